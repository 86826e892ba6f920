using System.CommandLine;
using System.Globalization;
using Serilog.Events;

namespace ConnectorHost.Configuration;

/// <summary>What the command line asks of the serve command.</summary>
public sealed record CommandLine(int? Port, string? ConfigPath, LogEventLevel LogLevel, IReadOnlyList<string> Overrides)
{
    public static CommandLine Default { get; } = new(null, null, LogEventLevel.Information, []);

    public static readonly Option<string?> PortOption = new("--port")
    {
        Description = "Serve every configured contract (SourceConnector and/or DestinationConnector) on port N, on IPv4 and " +
                      "IPv6 any-address (0: any free port, reported in the log). Without it each side listens on its port " +
                      "from plugins.json (defaults: source 50051, destination 50052).",
        HelpName = "N",
    };

    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "plugins.json to use. Default: ./plugins.json, else the first plugins.json found in the folders above " +
                      "the host executable (the repository root when run from a build).",
        HelpName = "PATH",
    };

    public static readonly Option<string> LogLevelOption = new Option<string>("--log-level")
    {
        Description = "debug, info, warning or error. Debug lines go to stderr (Fivetran reads only INFO, WARNING and SEVERE on stdout).",
        HelpName = "LEVEL",
        DefaultValueFactory = _ => "info",
    }.AcceptOnlyFromAmong("debug", "info", "information", "warning", "error");

    public static readonly Option<string[]> SetOption = new("--set")
    {
        Description = "Override a plugins.json value, e.g. --set source:plugin=ExampleSource --set shutdownTimeoutSeconds=10 " +
                      "(repeatable; environment variables CONNECTORHOST__source__port=… work the same way).",
        HelpName = "KEY=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The root command: its own action serves; tools are added as subcommands.</summary>
    public static RootCommand CreateRootCommand(Func<CommandLine, CancellationToken, Task<int>> serve)
    {
        var root = new RootCommand("ConnectorHost: serves Fivetran Partner SDK v2 connector plugins over gRPC.")
        {
            PortOption,
            ConfigOption,
            LogLevelOption,
            SetOption,
        };
        root.SetAction((result, token) => serve(From(result), token));
        return root;
    }

    /// <summary>Parses a serve command line; anything wrong throws <see cref="ConfigurationException"/>.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = CreateRootCommand((_, _) => Task.FromResult(0)).Parse(args);
        return result.Errors.Count > 0
            ? throw new ConfigurationException(string.Join(" ", result.Errors.Select(e => e.Message)))
            : From(result);
    }

    /// <summary>Reads the serve options; a bad value throws <see cref="ConfigurationException"/> (exit code 2).</summary>
    public static CommandLine From(ParseResult result) => new(
        result.GetValue(PortOption) is { } port ? ParsePort(port, "--port") : null,
        result.GetValue(ConfigOption),
        result.GetValue(LogLevelOption) switch
        {
            "debug" => LogEventLevel.Debug,
            "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        },
        result.GetValue(SetOption) ?? []);

    /// <summary>Parses a TCP port (0–65535, 0 meaning any free port) or throws a message naming <paramref name="what"/>.</summary>
    public static int ParsePort(string text, string what)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            throw new ConfigurationException($"{what} must be a TCP port between 0 and 65535 (0: any free port), got '{text}'.");
        }

        return port;
    }
}
