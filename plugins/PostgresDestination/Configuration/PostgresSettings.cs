using System.Globalization;
using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Npgsql;

namespace PostgresDestination.Configuration;

/// <summary>The user's configuration: where the server is, who to log in as, and how schemas are named.</summary>
internal sealed record PostgresSettings(string Host, int Port, string Database, string User, string Password, string SchemaPrefix, SslMode SslMode)
{
    public const string HostKey = "host";
    public const string PortKey = "port";
    public const string DatabaseKey = "database";
    public const string UserKey = "user";
    public const string PasswordKey = "password";
    public const string SchemaPrefixKey = "schema_prefix";
    public const string SslModeKey = "ssl_mode";
    public const string ConnectTest = "connect";
    public const string PrivilegesTest = "privileges";
    public const int DefaultPort = 5432;

    public static readonly string[] SslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"];

    public static PostgresSettings From(IDictionary<string, string> configuration)
    {
        string Required(string key) => configuration.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v)
            ? v.Trim()
            : throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{key}' is required.");

        var port = DefaultPort;
        if (configuration.TryGetValue(PortKey, out var p) && !string.IsNullOrWhiteSpace(p)
            && (!int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{PortKey}' must be a TCP port (1-65535), not '{p}'.");
        }

        var ssl = SslMode.Prefer;
        if (configuration.TryGetValue(SslModeKey, out var s) && !string.IsNullOrWhiteSpace(s))
        {
            ssl = s.Trim().ToLowerInvariant() switch
            {
                "disable" => SslMode.Disable,
                "prefer" => SslMode.Prefer,
                "require" => SslMode.Require,
                "verify-ca" => SslMode.VerifyCA,
                "verify-full" => SslMode.VerifyFull,
                _ => throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Configuration '{SslModeKey}' must be one of {string.Join(", ", SslModes)}, not '{s}'."),
            };
        }

        var prefix = configuration.TryGetValue(SchemaPrefixKey, out var x) ? x.Trim() : "";
        return new PostgresSettings(Required(HostKey), port, Required(DatabaseKey), Required(UserKey),
            configuration.TryGetValue(PasswordKey, out var pw) ? pw : "", prefix, ssl);
    }

    /// <summary>The connection string (holds the password: never log it).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = Database,
        Username = User,
        Password = Password,
        SslMode = SslMode,
        ApplicationName = "ConnectorHost PostgresDestination",
        // Large batches apply in one statement; never cut them off.
        CommandTimeout = 0,
        Timeout = 15,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>Where the server is, for messages (no secrets).</summary>
    public string Describe() => $"{User}@{Host}:{Port}/{Database}";

    public static ConfigurationFormResponse Form()
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        form.Fields.Add(new FormField { Name = HostKey, Label = "Host", Required = true, Description = "Server name or IP address.", TextField = TextField.PlainText, Placeholder = "db.example.com" });
        form.Fields.Add(new FormField { Name = PortKey, Label = "Port", Required = false, Description = "TCP port.", TextField = TextField.PlainText, DefaultValue = DefaultPort.ToString(CultureInfo.InvariantCulture) });
        form.Fields.Add(new FormField { Name = DatabaseKey, Label = "Database", Required = true, Description = "The database to write into.", TextField = TextField.PlainText });
        form.Fields.Add(new FormField { Name = UserKey, Label = "User", Required = true, Description = "Needs CONNECT and CREATE on the database (it creates one schema per Fivetran schema).", TextField = TextField.PlainText });
        form.Fields.Add(new FormField { Name = PasswordKey, Label = "Password", Required = false, Description = "The user's password.", TextField = TextField.Password });
        form.Fields.Add(new FormField
        {
            Name = SchemaPrefixKey, Label = "Schema prefix", Required = false, TextField = TextField.PlainText,
            Description = "Put before every schema name (e.g. 'fivetran_' lands schema 'sales' in 'fivetran_sales'); also prefixes the '_connectorhost' catalog schema.",
        });
        var ssl = new DropdownField();
        ssl.DropdownField_.AddRange(SslModes);
        form.Fields.Add(new FormField { Name = SslModeKey, Label = "SSL mode", Required = false, Description = "As libpq's sslmode.", DropdownField = ssl, DefaultValue = "prefer" });
        form.Tests.Add(new ConfigurationTest { Name = ConnectTest, Label = "Connecting to the server" });
        form.Tests.Add(new ConfigurationTest { Name = PrivilegesTest, Label = "Checking the user may create schemas and tables" });
        return form;
    }
}
