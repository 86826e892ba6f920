using System.Globalization;

namespace ConnectorHost.Configuration;

/// <summary>The host's command line: <c>[--port N] [--config PATH] [--help]</c>.</summary>
public sealed record CommandLine(int? Port, string? ConfigPath, bool ShowHelp)
{
    public const string Usage = """
        Usage: ConnectorHost [--port N] [--config PATH]

          --port N        Serve every configured contract (SourceConnector and/or DestinationConnector) on port N,
                          on IPv4 and IPv6 any-address. Without it, each side listens on its port from plugins.json
                          (defaults: source 50051, destination 50052).
          --config PATH   plugins.json to use. Default: ./plugins.json, else the first plugins.json found in the
                          folders above the host executable (the repository root when run from a build).
          --help          Show this help and exit.
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        int? port = null;
        string? config = null;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    help = true;
                    break;
                case "--port":
                    port = ParsePort(Value(args, ref i, name, inlineValue), "--port");
                    break;
                case "--config":
                    config = Value(args, ref i, name, inlineValue);
                    break;
                default:
                    throw new ConfigurationException($"Unknown argument '{args[i]}'. Expected --port N, --config PATH or --help.");
            }
        }

        return new CommandLine(port, config, help);
    }

    /// <summary>Parses a TCP port (1–65535) or throws a message naming <paramref name="what"/>.</summary>
    public static int ParsePort(string text, string what, bool allowAnyFree = false)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port < 1 && !(allowAnyFree && port == 0)))
        {
            throw new ConfigurationException($"{what} must be a TCP port between 1 and 65535, got '{text}'.");
        }

        return port;
    }

    private static (string Name, string? InlineValue) Split(string arg)
    {
        var equals = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            return inlineValue;
        }

        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{name} needs a value.");
        }

        return args[++i];
    }
}
