using System.Globalization;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;

namespace SqliteDestination.Configuration;

/// <summary>
/// What the operator decides in plugins.json (<see cref="PluginContext.OperatorSettings"/>), never the client:
/// where database files may live, how long a batch-file row may be, how many databases stay open, which batch-file
/// format Capabilities asks for.
/// </summary>
internal sealed record OperatorLimits(string DataDirectory, IReadOnlyList<string> AllowedDatabaseRoots, int MaxRowBytes, int MaxOpenDatabases, BatchFileFormat BatchFileFormat)
{
    public const string AllowedDatabaseRootsKey = "allowedDatabaseRoots";
    public const string MaxRowBytesKey = "maxRowBytes";
    public const string MaxOpenDatabasesKey = "maxOpenDatabases";
    public const int DefaultMaxOpenDatabases = 8;
    public const int MinMaxRowBytes = 1024;

    /// <summary>Reads the operator's settings; a value that cannot be used throws, naming the setting (the host then refuses to load the plugin).</summary>
    public static OperatorLimits From(PluginContext context)
    {
        var settings = context.OperatorSettings;
        var dataDirectory = Path.GetFullPath(context.DataDirectory);
        var roots = new List<string>();
        if (settings.TryGetValue(AllowedDatabaseRootsKey, out var rootsText) && !string.IsNullOrWhiteSpace(rootsText))
        {
            foreach (var root in rootsText.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Path.IsPathFullyQualified(root))
                {
                    throw new ArgumentException(
                        $"SqliteDestination setting '{AllowedDatabaseRootsKey}' holds '{root}', which is not an absolute folder path; list absolute folders separated by '{Path.PathSeparator}'.");
                }
                roots.Add(Path.GetFullPath(root));
            }
        }

        return new OperatorLimits(
            dataDirectory,
            roots,
            Number(settings, MaxRowBytesKey, BatchFileReader.DefaultMaxRowBytes, MinMaxRowBytes, "bytes"),
            Number(settings, MaxOpenDatabasesKey, DefaultMaxOpenDatabases, 1, "databases"),
            BatchFileFormatSetting.Read(context));
    }

    private static int Number(IReadOnlyDictionary<string, string> settings, string key, int defaultValue, int minimum, string unit)
    {
        if (!settings.TryGetValue(key, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"SqliteDestination setting '{key}' must be a whole number of {unit} from {minimum} to {int.MaxValue}, not '{text}'.");
    }

    /// <summary>True when <paramref name="fullPath"/> is inside the data folder or one of the allowed roots.</summary>
    public bool Allows(string fullPath) =>
        IsInside(fullPath, DataDirectory) || AllowedDatabaseRoots.Any(root => IsInside(fullPath, root));

    private static bool IsInside(string fullPath, string folder)
    {
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return fullPath.StartsWith(prefix, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            && fullPath.Length > prefix.Length;
    }
}
