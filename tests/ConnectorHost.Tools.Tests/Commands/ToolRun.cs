using System.Text.Json;
using ConnectorHost.Configuration;
using ConnectorHost.Testing.Hosting;
using ConnectorHost.Tools;

namespace ConnectorHost.Tools.Tests.Commands;

/// <summary>One tool invocation, in process, through the host's real root command; output captured as text.</summary>
public sealed class ToolRun : IDisposable
{
    public ToolRun(string? sourcePlugin, string? destinationPlugin, string? pluginsDirectory = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "connectorhost-tool-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var json = new Dictionary<string, object?>
        {
            ["pluginsDirectory"] = pluginsDirectory ?? RepoPaths.PluginsDirectory,
            ["dataDirectory"] = DataDirectory,
        };
        if (sourcePlugin is not null)
        {
            json["source"] = new { plugin = sourcePlugin };
        }

        if (destinationPlugin is not null)
        {
            json["destination"] = new { plugin = destinationPlugin };
        }

        File.WriteAllText(PluginsJson, JsonSerializer.Serialize(json));
    }

    public string Directory { get; }

    public string PluginsJson => Path.Combine(Directory, "plugins.json");

    public string DataDirectory => Path.Combine(Directory, "data");

    public string WriteJson(string name, object value)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value));
        return path;
    }

    public async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var root = CommandLine.CreateRootCommand((_, _) => Task.FromResult(-1));
        ToolCommands.AddTo(root, output);
        var exitCode = await root.Parse([.. args, "--config", PluginsJson]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output });
        return (exitCode, output.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
