using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Configuration;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Sync;
using FivetranSdk.V2;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace ConnectorHost.Tools.Debug;

/// <summary>
/// <c>connectorhost debug</c>: one sync from a source into a destination without Fivetran, resumable from state.json;
/// <c>connectorhost reset</c> (or <c>debug --reset</c>) forgets the state and empties the synced tables.
/// </summary>
internal static class DebugCommand
{
    private static readonly Option<string?> ConfigOption = new("--config") { Description = "plugins.json naming the source and destination plugins (found as the serve command finds it).", HelpName = "PATH" };
    private static readonly Option<string?> SourceConfigurationOption = new("--configuration") { Description = "The source's configuration: a JSON object of field → value.", HelpName = "source.json" };
    private static readonly Option<string?> DestinationConfigurationOption = new("--destination-configuration") { Description = "The destination's configuration: a JSON object of field → value.", HelpName = "destination.json" };
    private static readonly Option<string?> SourceAddressOption = new("--source-address") { Description = "Sync from the source connector at host:port instead of the configured plugin.", HelpName = "HOST:PORT" };
    private static readonly Option<string?> DestinationAddressOption = new("--destination-address") { Description = "Sync into the destination connector at host:port instead of the configured plugin.", HelpName = "HOST:PORT" };
    private static readonly Option<string?> StateFileOption = new("--state-file") { Description = "Where the last accepted checkpoint's state is kept (default <dataDirectory>/connectorhost-tools/state.json).", HelpName = "PATH" };
    private static readonly Option<string> SchemaOption = new("--schema") { Description = "Destination schema for a source that names none.", DefaultValueFactory = _ => "debug" };
    private static readonly Option<bool> ResetOption = new("--reset") { Description = "Forget the saved state and empty the synced tables first." };

    public static Command Create(TextWriter stdout)
    {
        var command = new Command("debug", "Run one sync from the source into the destination locally (default: the plugins in plugins.json; SQLite unless it names another destination).")
        {
            ConfigOption, SourceConfigurationOption, DestinationConfigurationOption, SourceAddressOption, DestinationAddressOption, StateFileOption, SchemaOption, ResetOption,
        };
        command.SetAction((result, token) => RunAsync(result, stdout, reset: result.GetValue(ResetOption), sync: true, token));
        return command;
    }

    public static Command CreateReset(TextWriter stdout)
    {
        var command = new Command("reset", "Forget debug's saved state and empty the tables it synced, so the next debug run starts over.")
        {
            ConfigOption, SourceConfigurationOption, DestinationConfigurationOption, SourceAddressOption, DestinationAddressOption, StateFileOption, SchemaOption,
        };
        command.SetAction((result, token) => RunAsync(result, stdout, reset: true, sync: false, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, TextWriter stdout, bool reset, bool sync, CancellationToken cancellationToken)
    {
        var console = ToolConsole.Create(stdout);
        try
        {
            using var session = ToolSession.Open(result.GetValue(ConfigOption), "debug.log");
            var stateFile = result.GetValue(StateFileOption) ?? Path.Combine(session.ToolDirectory, "state.json");
            var options = new SyncOptions
            {
                SourceConfiguration = ConfigurationFile.Read(result.GetValue(SourceConfigurationOption)),
                DestinationConfiguration = ConfigurationFile.Read(result.GetValue(DestinationConfigurationOption)),
                StateFile = stateFile,
                WorkDirectory = Path.Combine(session.ToolDirectory, "batches"),
                DefaultSchema = result.GetValue(SchemaOption)!,
            };
            var (source, sourceName) = session.Source(result.GetValue(SourceAddressOption));
            var (destination, destinationName, destinationData) = session.Destination(result.GetValue(DestinationAddressOption));
            console.MarkupLine($"[bold]{(sync ? "Syncing" : "Resetting")}[/] {Markup.Escape(sourceName)} → {Markup.Escape(destinationName)}");
            console.MarkupLine($"[grey]plugins.json {Markup.Escape(ToolConsole.Shown(session.ConfigurationPath))}; state {Markup.Escape(ToolConsole.Shown(stateFile))}; log {Markup.Escape(ToolConsole.Shown(session.LogFile))}[/]");

            if (reset)
            {
                await ResetAsync(console, options, destination, cancellationToken).ConfigureAwait(false);
            }

            if (!sync)
            {
                return 0;
            }

            var started = DateTime.UtcNow;
            var display = new SyncProgressDisplay(console);
            SyncReport report;
            try
            {
                report = await display.RunAsync(() => new SyncRunner(source, destination, options, display).RunAsync(cancellationToken)).ConfigureAwait(false);
            }
            catch (SyncException e)
            {
                console.MarkupLine($"[red]Sync failed:[/] {Markup.Escape(e.Message)}");
                console.MarkupLine($"[grey]State left at the last accepted checkpoint ({Markup.Escape(ToolConsole.Shown(stateFile))}); details in {Markup.Escape(ToolConsole.Shown(session.LogFile))}.[/]");
                return 1;
            }

            RememberTables(stateFile, report);
            Summarise(console, report, stateFile, destinationData, started);
            return report.Task is null ? 0 : 1;
        }
        catch (ConfigurationException e)
        {
            console.MarkupLine($"[red]Invalid configuration:[/] {Markup.Escape(e.Message)}");
            return Hosting.ExitCodes.InvalidConfiguration;
        }
        catch (PluginLoadException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return Hosting.ExitCodes.PluginLoadFailed;
        }
    }

    private static void Summarise(IAnsiConsole console, SyncReport report, string stateFile, string? destinationData, DateTime started)
    {
        var table = new Spectre.Console.Table().Title("SYNC PROGRESS").Border(TableBorder.Rounded);
        foreach (var header in new[] { "table", "upserts", "updates", "deletes", "truncates", "schema changes", "checkpoints" })
        {
            table.AddColumn(header == "table" ? new TableColumn(header) : new TableColumn(header).RightAligned());
        }

        foreach (var row in report.Tables.OrderBy(t => t.SchemaName, StringComparer.Ordinal).ThenBy(t => t.TableName, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape($"{row.SchemaName}.{row.TableName}"), N(row.Upserts), N(row.Updates), N(row.Deletes), N(row.Truncates), N(row.SchemaChanges), N(row.Checkpoints));
        }

        console.Write(table);
        var seconds = Math.Max(report.Elapsed.TotalSeconds, 0.001);
        console.MarkupLine($"{N(report.Records)} records in {report.Elapsed.TotalSeconds:0.00} s ({N((long)(report.Records / seconds))} records/s), {N(report.Checkpoints)} checkpoint(s).");
        foreach (var warning in report.Warnings)
        {
            console.MarkupLine($"[yellow]WARNING[/] {Markup.Escape(warning)}");
        }

        if (report.Task is { } task)
        {
            console.MarkupLine($"[red]TASK[/] {Markup.Escape(task)} (the sync stopped; the state was not advanced past it)");
        }

        console.MarkupLine(report.SavedState is null
            ? $"No checkpoint was accepted; {Markup.Escape(ToolConsole.Shown(stateFile))} is unchanged."
            : $"State saved to {Markup.Escape(ToolConsole.Shown(stateFile))}: {Markup.Escape(report.SavedState.Length > 200 ? report.SavedState[..200] + "…" : report.SavedState)}");
        if (destinationData is not null && Directory.Exists(destinationData))
        {
            var changed = Directory.EnumerateFiles(destinationData, "*", SearchOption.AllDirectories)
                .Where(f => File.GetLastWriteTimeUtc(f) >= started.AddSeconds(-1))
                .Select(ToolConsole.Shown)
                .Order(StringComparer.Ordinal)
                .ToList();
            console.MarkupLine($"Rows landed in the destination's data folder {Markup.Escape(ToolConsole.Shown(destinationData))}");
            foreach (var database in changed.Where(f => f.EndsWith(".db", StringComparison.Ordinal)))
            {
                var first = report.Tables.FirstOrDefault();
                var look = first is null ? ".tables" : $"SELECT * FROM \"{first.SchemaName}.{first.TableName}\" LIMIT 10";
                console.MarkupLine($"  look: [bold]sqlite3 -header {Markup.Escape(database)} '{Markup.Escape(look)}'[/]");
            }
        }
    }

    private static async Task ResetAsync(IAnsiConsole console, SyncOptions options, IDestinationConnector destination, CancellationToken cancellationToken)
    {
        var tables = RememberedTables(options.StateFile);
        foreach (var (schema, table) in tables)
        {
            var request = new TruncateRequest
            {
                SchemaName = schema,
                TableName = table,
                SyncedColumn = "_fivetran_synced",
                UtcDeleteBefore = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(1)),
            };
            request.Configuration.Add(options.DestinationConfiguration);
            await destination.TruncateAsync(request, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"emptied {Markup.Escape(schema)}.{Markup.Escape(table)}");
        }

        new SyncState(options.StateFile).Delete();
        File.Delete(TablesFile(options.StateFile));
        console.MarkupLine($"forgot the saved state ({Markup.Escape(options.StateFile)}); the next debug run is a first sync");
    }

    private static string TablesFile(string stateFile) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stateFile))!, "synced-tables.json");

    private static List<(string Schema, string Table)> RememberedTables(string stateFile)
    {
        var path = TablesFile(stateFile);
        if (!File.Exists(path))
        {
            return [];
        }

        return (JsonSerializer.Deserialize<List<string[]>>(File.ReadAllText(path)) ?? []).Select(pair => (pair[0], pair[1])).ToList();
    }

    private static void RememberTables(string stateFile, SyncReport report)
    {
        var tables = RememberedTables(stateFile).Union(report.Tables.Select(t => (t.SchemaName, t.TableName))).Distinct().ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(TablesFile(stateFile))!);
        File.WriteAllText(TablesFile(stateFile), JsonSerializer.Serialize(tables.Select(t => new[] { t.Item1, t.Item2 })));
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
