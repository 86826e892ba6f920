using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace DuckDbDestination.Configuration;

/// <summary>The user's configuration: where the database file lives (always under the plugin's data folder).</summary>
internal sealed record DuckDbSettings(string DatabasePath, int MemoryLimitMegabytes)
{
    public const string DatabasePathKey = "database_path";
    public const string MemoryLimitKey = "memory_limit_mb";
    public const int DefaultMemoryLimit = 256;
    public const string DefaultFileName = "destination.duckdb";
    public const string ConnectTest = "connect";
    public const string WriteTest = "write";

    public static DuckDbSettings From(IDictionary<string, string> configuration, string dataDirectory)
    {
        var given = configuration.TryGetValue(DatabasePathKey, out var p) && !string.IsNullOrWhiteSpace(p) ? p.Trim() : DefaultFileName;
        if (Path.IsPathRooted(given))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"Configuration '{DatabasePathKey}' must be a path relative to the plugin's data folder, not the absolute path '{given}'.");
        }

        var root = Path.GetFullPath(dataDirectory);
        var full = Path.GetFullPath(Path.Combine(root, given));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"Configuration '{DatabasePathKey}' ('{given}') leads outside the plugin's data folder; use a relative path below it.");
        }

        var memory = DefaultMemoryLimit;
        if (configuration.TryGetValue(MemoryLimitKey, out var m) && !string.IsNullOrWhiteSpace(m)
            && (!int.TryParse(m.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out memory) || memory < 64))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{MemoryLimitKey}' must be a whole number of MiB (at least 64), not '{m}'.");
        }

        return new DuckDbSettings(full, memory);
    }

    public static ConfigurationFormResponse Form()
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        form.Fields.Add(new FormField
        {
            Name = DatabasePathKey,
            Label = "Database file",
            Required = false,
            Description = $"Path of the DuckDB database file, relative to the plugin's data folder; empty means '{DefaultFileName}' there. Created if missing.",
            TextField = TextField.PlainText,
            Placeholder = DefaultFileName,
        });
        form.Fields.Add(new FormField
        {
            Name = MemoryLimitKey,
            Label = "Memory limit (MiB)",
            Required = false,
            Description = "DuckDB's memory_limit: beyond it large batches spill to a temporary folder next to the database file, so memory does not grow with the batch.",
            TextField = TextField.PlainText,
            DefaultValue = DefaultMemoryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        form.Tests.Add(new ConfigurationTest { Name = ConnectTest, Label = "Opening the database file" });
        form.Tests.Add(new ConfigurationTest { Name = WriteTest, Label = "Creating and dropping a table" });
        return form;
    }
}
