using System.Globalization;
using ConnectorHost.Abstractions;

namespace SqliteDestination.Configuration;

/// <summary>The user's configuration, parsed from the request's configuration map.</summary>
internal sealed record SqliteSettings(string DatabasePath, int BusyTimeoutMilliseconds, string Synchronous, int CacheSizeMegabytes)
{
    public const string DatabasePathKey = "database_path";
    public const string BusyTimeoutKey = "busy_timeout_ms";
    public const string SynchronousKey = "synchronous";
    public const string CacheSizeKey = "cache_size_mb";
    public const int DefaultCacheSize = 64;
    public const string DefaultFileName = "destination.db";
    public const int DefaultBusyTimeout = 5000;
    public static readonly string[] SynchronousModes = ["NORMAL", "FULL"];

    public static SqliteSettings From(IDictionary<string, string> configuration, string dataDirectory)
    {
        var path = configuration.TryGetValue(DatabasePathKey, out var p) && !string.IsNullOrWhiteSpace(p)
            ? p.Trim()
            : DefaultFileName;
        // Relative paths live in the host's data folder, so the default needs no configuration at all.
        path = Path.GetFullPath(Path.Combine(dataDirectory, path));

        var busy = DefaultBusyTimeout;
        if (configuration.TryGetValue(BusyTimeoutKey, out var b) && !string.IsNullOrWhiteSpace(b)
            && (!int.TryParse(b.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out busy) || busy < 0))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{BusyTimeoutKey}' must be a whole number of milliseconds, not '{b}'.");
        }

        var synchronous = "NORMAL";
        if (configuration.TryGetValue(SynchronousKey, out var s) && !string.IsNullOrWhiteSpace(s))
        {
            synchronous = s.Trim().ToUpperInvariant();
            if (!SynchronousModes.Contains(synchronous))
            {
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{SynchronousKey}' must be one of {string.Join(", ", SynchronousModes)}, not '{s}'.");
            }
        }

        var cache = DefaultCacheSize;
        if (configuration.TryGetValue(CacheSizeKey, out var c) && !string.IsNullOrWhiteSpace(c)
            && (!int.TryParse(c.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out cache) || cache < 1))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{CacheSizeKey}' must be a whole number of MiB (at least 1), not '{c}'.");
        }

        return new SqliteSettings(path, busy, synchronous, cache);
    }
}
