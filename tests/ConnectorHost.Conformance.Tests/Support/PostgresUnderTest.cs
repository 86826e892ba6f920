using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using FivetranSdk.V2;
using Npgsql;
using PostgresDestination;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>
/// PostgresDestination on the test server tests/postgres/start.sh started (CONNECTORHOST_TEST_PG_* variables),
/// with a schema prefix of its own so tests never see each other's tables; its schemas are dropped afterwards.
/// </summary>
public sealed class PostgresUnderTest : DestinationUnderTest
{
    private readonly PostgresDestinationConnector _connector;
    private readonly IDestinationConnector? _throughHost;
    private readonly string _prefix = "ct" + Guid.NewGuid().ToString("N")[..10] + "_";

    private PostgresUnderTest(BatchFileFormat batchFileFormat, Dictionary<string, string> configuration, IDestinationConnector? throughHost)
        : base(batchFileFormat)
    {
        _throughHost = throughHost;
        Configuration = configuration;
        Configuration["schema_prefix"] = _prefix;
        _connector = new PostgresDestinationConnector(new PluginContext("PostgresDestination", WorkDirectory, Path.Combine(WorkDirectory, "data"), NullLoggerFactory.Instance, OperatorSettings));
    }

    /// <summary>The server settings from the environment; fails (never skips) when tests/postgres/start.sh was not run.</summary>
    public static Dictionary<string, string> ServerConfiguration()
    {
        string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the PostgreSQL tests need the test server. Start it with `eval \"$(tests/postgres/start.sh)\"` " +
                "(./test.sh does this), run the tests in that shell, then `tests/postgres/stop.sh`.");

        return new Dictionary<string, string>
        {
            ["host"] = Env("CONNECTORHOST_TEST_PG_HOST"),
            ["port"] = Env("CONNECTORHOST_TEST_PG_PORT"),
            ["database"] = Env("CONNECTORHOST_TEST_PG_DATABASE"),
            ["user"] = Env("CONNECTORHOST_TEST_PG_USER"),
            ["password"] = Environment.GetEnvironmentVariable("CONNECTORHOST_TEST_PG_PASSWORD") ?? "",
            ["ssl_mode"] = "disable",
        };
    }

    /// <param name="throughHost">The plugin as a running host serves it (over gRPC, with the same operator settings); null: in process.</param>
    public static Task<DestinationUnderTest> StartAsync(BatchFileFormat batchFileFormat, IDestinationConnector? throughHost = null) =>
        Task.FromResult<DestinationUnderTest>(new PostgresUnderTest(batchFileFormat, ServerConfiguration(), throughHost));

    public override IDestinationConnector Connector => _throughHost ?? _connector;

    public override Dictionary<string, string> Configuration { get; }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = Configuration["host"], Port = int.Parse(Configuration["port"], System.Globalization.CultureInfo.InvariantCulture),
            Database = Configuration["database"], Username = Configuration["user"], Password = Configuration["password"], SslMode = SslMode.Disable, Pooling = false,
        }.ConnectionString);
        connection.Open();
        return connection;
    }

    public override Task<List<Dictionary<string, object?>>> ReadRowsAsync(string schema, string table)
    {
        using var connection = Open();
        var columns = new List<(string Name, string Type)>();
        using (var find = new NpgsqlCommand($"SELECT column_name, data_type FROM {Quote(_prefix + "_connectorhost")}.\"columns\" WHERE schema_name = $1 AND table_name = $2 ORDER BY ordinal", connection))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = schema });
            find.Parameters.Add(new NpgsqlParameter { Value = table });
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        if (columns.Count == 0)
        {
            throw new InvalidOperationException($"PostgreSQL has no table {schema}.{table}");
        }

        // numeric can exceed .NET decimal: read it as text.
        using var select = new NpgsqlCommand(
            $"SELECT {string.Join(", ", columns.Select(c => c.Type == "Decimal" ? $"{Quote(c.Name)}::text" : Quote(c.Name)))} FROM {Quote(_prefix + schema)}.{Quote(table)}", connection);
        using var rows = select.ExecuteReader();
        var result = new List<Dictionary<string, object?>>();
        while (rows.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i].Name] = rows.IsDBNull(i) ? null : rows.GetValue(i);
            }

            result.Add(row);
        }

        return Task.FromResult(result);
    }

    public override async ValueTask DisposeAsync()
    {
        _connector.Dispose();
        using (var connection = Open())
        {
            var schemas = new List<string>();
            using (var list = new NpgsqlCommand("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)", connection))
            {
                list.Parameters.Add(new NpgsqlParameter { Value = _prefix });
                using var reader = list.ExecuteReader();
                while (reader.Read())
                {
                    schemas.Add(reader.GetString(0));
                }
            }

            foreach (var schema in schemas)
            {
                using var drop = new NpgsqlCommand($"DROP SCHEMA {Quote(schema)} CASCADE", connection);
                drop.ExecuteNonQuery();
            }
        }

        await base.DisposeAsync();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
