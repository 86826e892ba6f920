using System.Globalization;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;

namespace SqliteDestination.Configuration;

/// <summary>
/// The user's configuration, parsed from the request's configuration map. The customer can fix every problem
/// with it, so each is a Fivetran task (<see cref="ConnectorAlertException"/>) saying how.
/// </summary>
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

    public static SqliteSettings From(IDictionary<string, string> configuration, OperatorLimits limits)
    {
        var path = ResolveDatabasePath(configuration, limits);

        var busy = DefaultBusyTimeout;
        if (configuration.TryGetValue(BusyTimeoutKey, out var b) && !string.IsNullOrWhiteSpace(b)
            && (!int.TryParse(b.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out busy) || busy < 0))
        {
            throw ConnectorAlertException.Task($"Configuration '{BusyTimeoutKey}' must be a whole number of milliseconds, not {BatchFileException.Quote(b)}: enter for example {DefaultBusyTimeout}, or leave it empty for the default.");
        }

        var synchronous = "NORMAL";
        if (configuration.TryGetValue(SynchronousKey, out var s) && !string.IsNullOrWhiteSpace(s))
        {
            synchronous = s.Trim().ToUpperInvariant();
            if (!SynchronousModes.Contains(synchronous))
            {
                throw ConnectorAlertException.Task($"Configuration '{SynchronousKey}' must be one of {string.Join(", ", SynchronousModes)}, not {BatchFileException.Quote(s)}: choose one of them in the destination's setup form.");
            }
        }

        var cache = DefaultCacheSize;
        if (configuration.TryGetValue(CacheSizeKey, out var c) && !string.IsNullOrWhiteSpace(c)
            && (!int.TryParse(c.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out cache) || cache < 1))
        {
            throw ConnectorAlertException.Task($"Configuration '{CacheSizeKey}' must be a whole number of MiB (at least 1), not {BatchFileException.Quote(c)}: enter for example {DefaultCacheSize}, or leave it empty for the default.");
        }

        return new SqliteSettings(path, busy, synchronous, cache);
    }

    /// <summary>
    /// The database file: relative paths are under the plugin's data folder, so the default needs no configuration.
    /// A path that leaves it (absolute, or through "..") is refused unless the operator allowed its folder, and the
    /// refusal is decided from the text alone: the answer never depends on what exists at that path.
    /// </summary>
    private static string ResolveDatabasePath(IDictionary<string, string> configuration, OperatorLimits limits)
    {
        var given = configuration.TryGetValue(DatabasePathKey, out var p) && !string.IsNullOrWhiteSpace(p)
            ? p.Trim()
            : DefaultFileName;
        string full;
        try
        {
            full = Path.GetFullPath(Path.Combine(limits.DataDirectory, given));
        }
        catch (ArgumentException)
        {
            throw ConnectorAlertException.Task(
                $"Configuration '{DatabasePathKey}' {BatchFileException.Quote(given)} is not a valid file path: enter a file name such as '{DefaultFileName}' or 'sales/{DefaultFileName}'.");
        }

        if (!limits.Allows(full))
        {
            throw ConnectorAlertException.Task(
                $"Configuration '{DatabasePathKey}' {BatchFileException.Quote(given)} is outside the destination's data folder, where database files must be. "
                + $"Enter a path relative to that folder, such as '{DefaultFileName}' or 'sales/{DefaultFileName}'. "
                + $"A database in another folder needs the host's operator to allow that folder (SqliteDestination setting '{OperatorLimits.AllowedDatabaseRootsKey}' in plugins.json).");
        }

        return full;
    }
}
