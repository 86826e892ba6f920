using System.CommandLine;
using System.Text.Json;
using ConnectorHost.Configuration;
using ConnectorHost.Plugins;
using Spectre.Console;

namespace ConnectorHost.Tools.PluginList;

/// <summary><c>connectorhost plugins</c>: every folder of the plugins directory, what it is, whether it loads, and what plugins.json serves.</summary>
internal static class PluginsCommand
{
    private static readonly Option<string?> ConfigOption = new("--config") { Description = "plugins.json whose plugins directory to list.", HelpName = "PATH" };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the list as JSON (for scripts)." };

    public static Command Create(TextWriter stdout)
    {
        var command = new Command("plugins", "List the plugins in the plugins directory: contract, versions, whether each loads (and why not), which ones plugins.json serves.")
        {
            ConfigOption, JsonOption,
        };
        command.SetAction(result => Run(result, stdout));
        return command;
    }

    private static int Run(ParseResult result, TextWriter stdout)
    {
        var console = ToolConsole.Create(stdout);
        HostConfiguration configuration;
        string path;
        try
        {
            path = PluginsJsonLoader.Locate(result.GetValue(ConfigOption), Environment.CurrentDirectory, AppContext.BaseDirectory);
            configuration = PluginsJsonLoader.Load(path);
        }
        catch (ConfigurationException e)
        {
            console.MarkupLine($"[red]Invalid configuration:[/] {Markup.Escape(e.Message)}");
            return Hosting.ExitCodes.InvalidConfiguration;
        }

        var listings = new PluginLoader(configuration.PluginsDirectory, configuration.DataDirectory, hotReload: false).ListPlugins();
        string? Serves(PluginListing plugin) =>
            string.Join(", ", new[] { ("source", configuration.Source), ("destination", configuration.Destination) }
                .Where(side => side.Item2?.Plugin == plugin.Name).Select(side => $"{side.Item1} on port {side.Item2!.Port}")) is { Length: > 0 } served ? served : null;

        if (result.GetValue(JsonOption))
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                pluginsJson = path,
                pluginsDirectory = configuration.PluginsDirectory,
                plugins = listings.Select(p => new
                {
                    name = p.Name,
                    directory = p.Directory,
                    contract = p.Side.ToString(),
                    version = p.Version,
                    abstractionsVersion = p.AbstractionsVersion?.ToString(),
                    loads = p.Loads,
                    problem = p.Problem?.Describe(),
                    servedAs = Serves(p),
                }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        console.MarkupLine($"plugins.json: {Markup.Escape(path)}");
        console.MarkupLine($"data folder:  {Markup.Escape(configuration.DataDirectory)} (each plugin writes under <data folder>/<plugin>)");
        console.MarkupLine($"Plugins in [bold]{Markup.Escape(configuration.PluginsDirectory)}[/]:");
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded)
            .AddColumn("plugin").AddColumn("contract").AddColumn("version").AddColumn("abstractions").AddColumn("loads").AddColumn("served as");
        foreach (var plugin in listings)
        {
            table.AddRow(Markup.Escape(plugin.Name), plugin.Side.ToString(), Markup.Escape(plugin.Version ?? "?"),
                Markup.Escape(plugin.AbstractionsVersion?.ToString() ?? "?"), plugin.Loads ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(Serves(plugin) ?? ""));
        }

        console.Write(table);
        foreach (var plugin in listings.Where(p => !p.Loads))
        {
            console.MarkupLine($"[red]{Markup.Escape(plugin.Name)}[/]: {Markup.Escape(plugin.Problem!.Describe())}");
        }

        if (listings.Count == 0)
        {
            console.MarkupLine("No plugin folders found. Build the solution (dotnet build) or copy a plugin's published folder there.");
        }

        return 0;
    }
}
