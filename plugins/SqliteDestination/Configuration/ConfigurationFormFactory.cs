using FivetranSdk.V2;

namespace SqliteDestination.Configuration;

internal static class ConfigurationFormFactory
{
    public const string ConnectTest = "connect";
    public const string SelectTest = "select";

    public static ConfigurationFormResponse Create()
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        form.Fields.Add(new FormField
        {
            Name = SqliteSettings.DatabasePathKey,
            Label = "Database file",
            Required = false,
            Description = $"Path of the SQLite database file. Relative paths are under the host's data folder; empty means '{SqliteSettings.DefaultFileName}' there. Created if missing.",
            TextField = TextField.PlainText,
            Placeholder = SqliteSettings.DefaultFileName,
        });
        form.Fields.Add(new FormField
        {
            Name = SqliteSettings.BusyTimeoutKey,
            Label = "Busy timeout (ms)",
            Required = false,
            Description = "How long a call waits for another process holding the database's write lock.",
            TextField = TextField.PlainText,
            DefaultValue = SqliteSettings.DefaultBusyTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        form.Fields.Add(new FormField
        {
            Name = SqliteSettings.CacheSizeKey,
            Label = "Page cache per connection (MiB)",
            Required = false,
            Description = "Memory SQLite may use for pages per connection; bounds the destination's memory whatever the batch size.",
            TextField = TextField.PlainText,
            DefaultValue = SqliteSettings.DefaultCacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var synchronous = new DropdownField();
        synchronous.DropdownField_.AddRange(SqliteSettings.SynchronousModes);
        form.Fields.Add(new FormField
        {
            Name = SqliteSettings.SynchronousKey,
            Label = "Durability",
            Required = false,
            Description = "NORMAL: consistent after any crash, fastest (WAL). FULL: every committed batch also survives power loss.",
            DropdownField = synchronous,
            DefaultValue = "NORMAL",
        });
        form.Tests.Add(new ConfigurationTest { Name = ConnectTest, Label = "Opening the database file for writing" });
        form.Tests.Add(new ConfigurationTest { Name = SelectTest, Label = "Running a query" });
        return form;
    }
}
