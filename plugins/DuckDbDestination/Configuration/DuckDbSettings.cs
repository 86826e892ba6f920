using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace DuckDbDestination.Configuration;

/// <summary>The user's configuration: where the database file lives (always under the plugin's data folder).</summary>
internal sealed record DuckDbSettings(string DatabasePath)
{
    public const string DatabasePathKey = "database_path";
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

        return new DuckDbSettings(full);
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
        form.Tests.Add(new ConfigurationTest { Name = ConnectTest, Label = "Opening the database file" });
        form.Tests.Add(new ConfigurationTest { Name = WriteTest, Label = "Creating and dropping a table" });
        return form;
    }
}
