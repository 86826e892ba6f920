using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ConnectorHost.Configuration;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Replay;
using FivetranSdk.V2;
using Spectre.Console;

namespace ConnectorHost.Tools.TestDestination;

/// <summary>
/// <c>connectorhost test-destination</c>: replays Fivetran destination tester input files against the configured
/// destination plugin (in process, through the host's dispatch) or any destination connector at an address.
/// </summary>
internal static class TestDestinationCommand
{
    private static readonly Argument<string> InputArgument = new("input") { Description = "A tester input file (.json) or a folder: every *.json in it is replayed in name order." };
    private static readonly Option<string?> ConfigOption = new("--config") { Description = "plugins.json naming the destination plugin.", HelpName = "PATH" };
    private static readonly Option<string?> AddressOption = new("--address") { Description = "Test the destination connector at host:port (any language) instead of the configured plugin.", HelpName = "HOST:PORT" };
    private static readonly Option<string?> ConfigurationOption = new("--configuration") { Description = "The destination's configuration: a JSON object of field → value.", HelpName = "destination.json" };
    private static readonly Option<string> SchemaOption = new("--schema") { Description = "Schema the tables go into (for a folder: <schema>_<file name> per file). Tables an earlier run left there are dropped first.", DefaultValueFactory = _ => "tester" };
    private static readonly Option<string> CompressionOption = new Option<string>("--compression") { Description = "Batch-file compression (for PARQUET: the codec of its pages).", DefaultValueFactory = _ => "zstd" }.AcceptOnlyFromAmong("zstd", "gzip", "none");
    private static readonly Option<string> BatchFileTypeOption = new Option<string>("--batch-file-type")
    {
        Description = "Batch-file format: CSV (as the tester defaults) or PARQUET (Avro-style schema, every column nullable, AES on top). Replayed as asked whatever the destination's Capabilities declare (a difference is shown).",
        DefaultValueFactory = _ => "CSV",
    }.AcceptOnlyFromAmong("CSV", "PARQUET");
    private static readonly Option<string?> ReportOption = new("--report") { Description = "Write every call (request summary, outcome, status, message, time) to this JSON file.", HelpName = "report.json" };
    private static readonly Option<bool> KeepFilesOption = new("--keep-batch-files") { Description = "Leave the (encrypted) batch files on disk after each call." };

    public static Command Create(TextWriter stdout)
    {
        var command = new Command("test-destination", "Replay Fivetran destination tester inputs (create, alter, describe, upsert, update, delete, truncate, history mode, schema migrations) against a destination.")
        {
            InputArgument, ConfigOption, AddressOption, ConfigurationOption, SchemaOption, CompressionOption, BatchFileTypeOption, ReportOption, KeepFilesOption,
        };
        command.SetAction((result, token) => RunAsync(result, stdout, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, TextWriter stdout, CancellationToken cancellationToken)
    {
        var console = ToolConsole.Create(stdout);
        var input = result.GetValue(InputArgument)!;
        try
        {
            if (!File.Exists(input) && !Directory.Exists(input))
            {
                throw new ConfigurationException($"No tester input at {Path.GetFullPath(input)}: give a .json file or a folder of them.");
            }

            using var session = ToolSession.Open(result.GetValue(ConfigOption), "test-destination.log");
            var (destination, name, _) = session.Destination(result.GetValue(AddressOption));
            var options = new ReplayOptions
            {
                Schema = result.GetValue(SchemaOption)!,
                BatchFileFormat = result.GetValue(BatchFileTypeOption) == "PARQUET" ? BatchFileFormat.Parquet : BatchFileFormat.Csv,
                Configuration = ConfigurationFile.Read(result.GetValue(ConfigurationOption)),
                Compression = result.GetValue(CompressionOption) switch { "gzip" => Compression.Gzip, "none" => Compression.Off, _ => Compression.Zstd },
                KeepBatchFiles = result.GetValue(KeepFilesOption),
                WorkingDirectory = result.GetValue(KeepFilesOption) ? Path.Combine(session.ToolDirectory, "tester-batches") : null,
            };
            console.MarkupLine($"[bold]Testing[/] {Markup.Escape(name)} with {Markup.Escape(ToolConsole.Shown(input))}");
            console.MarkupLine($"[grey]log {Markup.Escape(ToolConsole.Shown(session.LogFile))}[/]");
            if (await DeclaredFormatDifferenceAsync(destination, options.BatchFileFormat, cancellationToken).ConfigureAwait(false) is { } difference)
            {
                console.MarkupLine($"[yellow]NOTE[/] {Markup.Escape(difference)}");
            }

            var report = new ReplayReport();
            report.CallCompleted += call => console.MarkupLine(LiveLine(call));
            var folder = Directory.Exists(input);
            var files = folder ? Directory.GetFiles(input, "*.json").Order(StringComparer.Ordinal).ToArray() : [input];
            foreach (var file in files)
            {
                TesterInput tester;
                try
                {
                    tester = TesterInput.Load(file);
                }
                catch (Exception e) when (e is TesterInputException or IOException or InvalidOperationException or FormatException)
                {
                    report.InputErrors[Path.GetFileName(file)] = e.Message;
                    continue;
                }

                // Each file of a folder gets its own schema: the public inputs reuse table names across files.
                var schema = folder ? $"{options.Schema}_{SchemaSuffix(file)}" : options.Schema;
                foreach (var problem in await LeftoverTables.ClearAsync(destination, options.Configuration, schema, LeftoverTables.NamedIn(tester), cancellationToken).ConfigureAwait(false))
                {
                    console.MarkupLine($"[yellow]WARNING[/] {Markup.Escape(problem)}: results may differ from a first run");
                }

                console.MarkupLine($"[bold]{Markup.Escape(tester.Name)}[/] into schema {Markup.Escape(schema)}");
                await new DestinationReplayer(destination, options with { Schema = schema }).ReplayAsync(tester, report, cancellationToken).ConfigureAwait(false);
            }

            PrintTables(console, report);
            if (result.GetValue(ReportOption) is { } reportPath)
            {
                WriteReport(reportPath, name, report);
                console.MarkupLine($"Report written to {Markup.Escape(ToolConsole.Shown(reportPath))}");
            }

            var failures = report.Failures.Count() + report.InputErrors.Count;
            console.MarkupLine(failures == 0
                ? $"[green]All {report.Calls.Count} calls succeeded.[/]"
                : $"[red]{failures} of {report.Calls.Count + report.InputErrors.Count} failed.[/]");
            return failures == 0 ? 0 : 1;
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

    /// <summary>What Capabilities declares when it is not the format being replayed (Fivetran would send the declared one).</summary>
    private static async Task<string?> DeclaredFormatDifferenceAsync(Abstractions.Destination.IDestinationConnector destination, BatchFileFormat replayed, CancellationToken cancellationToken)
    {
        try
        {
            var declared = (await destination.CapabilitiesAsync(new CapabilitiesRequest(), cancellationToken).ConfigureAwait(false)).BatchFileFormat;
            return declared == replayed
                ? null
                : $"the destination's Capabilities declare {FormatName(declared)} batch files, which Fivetran would send; replaying {FormatName(replayed)} as asked.";
        }
        catch (Abstractions.ConnectorException e)
        {
            return $"Capabilities failed ({e.Message}); replaying {FormatName(replayed)} as asked.";
        }
    }

    private static string FormatName(BatchFileFormat format) => format == BatchFileFormat.Parquet ? "PARQUET" : "CSV";

    private static string SchemaSuffix(string file) =>
        string.Concat(Path.GetFileNameWithoutExtension(file).Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_'));

    private static string LiveLine(ReplayCall call)
    {
        var outcome = call.Succeeded ? $"[green]{call.Outcome}[/]" : $"[red]{call.Outcome}[/]";
        var detail = call.Succeeded ? string.Empty : $" {Markup.Escape(call.Status ?? string.Empty)}: {Markup.Escape(call.Message ?? string.Empty)}";
        return $"{Markup.Escape(call.InputFile)} {Markup.Escape(call.Operation)} {Markup.Escape(call.Table)} ({Markup.Escape(call.Rpc)}) {outcome} " +
               $"[grey]{call.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms[/]{detail}";
    }

    private static void PrintTables(IAnsiConsole console, ReplayReport report)
    {
        foreach (var (file, problem) in report.InputErrors)
        {
            console.MarkupLine($"[red]{Markup.Escape(file)} could not be read:[/] {Markup.Escape(problem)}");
        }

        foreach (var file in report.Calls.GroupBy(c => c.InputFile))
        {
            var table = new Spectre.Console.Table().Title(Markup.Escape(file.Key)).Border(TableBorder.Rounded)
                .AddColumn("operation").AddColumn("table").AddColumn("result").AddColumn(new TableColumn("time").RightAligned());
            foreach (var call in file)
            {
                var outcome = call.Succeeded ? $"[green]{call.Outcome}[/]" : $"[red]{call.Outcome} {Markup.Escape(call.Status ?? string.Empty)}[/]";
                table.AddRow(Markup.Escape(call.Operation), Markup.Escape(call.Table), outcome,
                    call.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms");
            }

            console.Write(table);
        }
    }

    private static void WriteReport(string path, string destination, ReplayReport report)
    {
        var document = new
        {
            destination,
            succeeded = report.Succeeded,
            inputErrors = report.InputErrors,
            calls = report.Calls.Select(c => new
            {
                file = c.InputFile,
                operation = c.Operation,
                rpc = c.Rpc,
                table = c.Table,
                request = c.Request,
                outcome = c.Outcome.ToString(),
                succeeded = c.Succeeded,
                status = c.Status,
                message = c.Message,
                response = c.Response,
                milliseconds = Math.Round(c.Duration.TotalMilliseconds, 3),
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
