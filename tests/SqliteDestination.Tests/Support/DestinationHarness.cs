using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SqliteDestination;
using Xunit;

namespace SqliteDestination.Tests.Support;

/// <summary>
/// The plugin on a fresh database file — in-process, or through a running host when given a connector that calls
/// it over gRPC — with helpers that write real (zstd + AES) batch files.
/// </summary>
public sealed class DestinationHarness : IDisposable
{
    public const string Schema = "tester";
    private int _fileCounter;

    public DestinationHarness(IDestinationConnector? throughHost = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "sqlite-dest-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "data", "destination.db");
        Configuration = new Dictionary<string, string>();
        if (throughHost is null)
        {
            Connector = new SqliteDestinationConnector(new PluginContext("SqliteDestination", Directory, Path.Combine(Directory, "data"), NullLoggerFactory.Instance));
        }
        else
        {
            // The host's plugin has its own data folder; point every request at this harness's file instead.
            Connector = throughHost;
            Configuration["database_path"] = DatabasePath;
        }
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public IDestinationConnector Connector { get; }

    public Dictionary<string, string> Configuration { get; }

    public FileParams FileParams { get; } = BatchFileWriter.Params();

    public static Column Col(string name, DataType type, bool pk = false) => new() { Name = name, Type = type, PrimaryKey = pk };

    public static Column Decimal(string name, uint precision, uint scale) =>
        new() { Name = name, Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = precision, Scale = scale } } };

    public static Table Table(string name, params Column[] columns)
    {
        var table = new Table { Name = name };
        table.Columns.AddRange(columns);
        return table;
    }

    public async Task<Table> CreateAsync(Table table, string schema = Schema)
    {
        var request = new CreateTableRequest { SchemaName = schema, Table = table };
        request.Configuration.Add(Configuration);
        var response = await Connector.CreateTableAsync(request, default);
        Assert.True(response.Success);
        return table;
    }

    public async Task<DescribeTableResponse> DescribeAsync(string table, string schema = Schema)
    {
        var request = new DescribeTableRequest { SchemaName = schema, TableName = table };
        request.Configuration.Add(Configuration);
        return await Connector.DescribeTableAsync(request, default);
    }

    public async Task AlterAsync(Table table, bool dropColumns = false, string schema = Schema)
    {
        var request = new AlterTableRequest { SchemaName = schema, Table = table, DropColumns = dropColumns };
        request.Configuration.Add(Configuration);
        Assert.True((await Connector.AlterTableAsync(request, default)).Success);
    }

    public async Task TruncateAsync(string table, DateTime before, string? softColumn = null, string schema = Schema)
    {
        var request = new TruncateRequest
        {
            SchemaName = schema,
            TableName = table,
            SyncedColumn = "_fivetran_synced",
            UtcDeleteBefore = Timestamp.FromDateTime(DateTime.SpecifyKind(before, DateTimeKind.Utc)),
        };
        if (softColumn is not null)
        {
            request.Soft = new SoftTruncate { DeletedColumn = softColumn };
        }

        request.Configuration.Add(Configuration);
        Assert.True((await Connector.TruncateAsync(request, default)).Success);
    }

    public async Task<MigrateResponse> MigrateAsync(MigrationDetails details)
    {
        var request = new MigrateRequest { Details = details };
        request.Configuration.Add(Configuration);
        return await Connector.MigrateAsync(request, default);
    }

    /// <summary>A batch file: header and rows (use <see cref="BatchFileWriter.Unmodified"/> for unmodified cells).</summary>
    public string File(string[] header, params object?[][] rows)
    {
        var file = BatchFileWriter.Write(Path.Combine(Directory, $"batch-{Interlocked.Increment(ref _fileCounter)}.csv.zst.aes"), FileParams, header, rows);
        Keys[file.Path] = file.Key;
        return file.Path;
    }

    public Dictionary<string, ByteString> Keys { get; } = new();

    public WriteBatchRequest Batch(Table table, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null, string schema = Schema)
    {
        var request = new WriteBatchRequest { SchemaName = schema, Table = table, FileParams = FileParams };
        request.Configuration.Add(Configuration);
        request.Keys.Add(Keys);
        request.ReplaceFiles.AddRange(replace ?? []);
        request.UpdateFiles.AddRange(update ?? []);
        request.DeleteFiles.AddRange(delete ?? []);
        return request;
    }

    public async Task WriteAsync(Table table, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null) =>
        Assert.True((await Connector.WriteBatchAsync(Batch(table, replace, update, delete), default)).Success);

    public async Task WriteHistoryAsync(Table table, IEnumerable<string>? earliest = null, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null)
    {
        var request = new WriteHistoryBatchRequest { SchemaName = Schema, Table = table, FileParams = FileParams };
        request.Configuration.Add(Configuration);
        request.Keys.Add(Keys);
        request.EarliestStartFiles.AddRange(earliest ?? []);
        request.ReplaceFiles.AddRange(replace ?? []);
        request.UpdateFiles.AddRange(update ?? []);
        request.DeleteFiles.AddRange(delete ?? []);
        Assert.True((await Connector.WriteHistoryBatchAsync(request, default)).Success);
    }

    /// <summary>The rows of a table (physical name "schema.table"), the named columns, in the given order.</summary>
    public List<object?[]> Rows(string table, string columns, string orderBy, string schema = Schema)
    {
        using var connection = OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM \"{(schema + "." + table).Replace("\"", "\"\"")}\" ORDER BY {orderBy}";
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>A checksum of every table's content, to prove a failed call changed nothing.</summary>
    public string Snapshot()
    {
        using var connection = OpenDatabase();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var r = list.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }

        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            text.Append("## ").AppendLine(table);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"")}\"";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                var line = new System.Text.StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var v = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                    line.Append(v).Append('|');
                }

                lines.Add(line.ToString());
            }

            lines.Sort(StringComparer.Ordinal);
            lines.ForEach(l => text.AppendLine(l));
        }

        return text.ToString();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
