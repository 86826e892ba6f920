using System.Collections.Concurrent;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SqliteDestination.Tests.Hardening;

/// <summary>
/// The plugin class called directly, on its own temp folder, with operator settings and a logger the test sees
/// (every line, debug included, and a hook that runs on a matching line in the plugin's own thread).
/// </summary>
internal sealed class PluginUnderTest : IDisposable
{
    public const string Schema = "h";
    private int _files;

    public PluginUnderTest(IReadOnlyDictionary<string, string>? operatorSettings = null)
    {
        Root = Directory.CreateTempSubdirectory("sqlite-hardening-").FullName;
        DataDirectory = Path.Combine(Root, "data");
        Logs = new CapturingLoggerFactory();
        Connector = new SqliteDestinationConnector(new PluginContext("SqliteDestination", Root, DataDirectory, Logs, operatorSettings));
    }

    public string Root { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "destination.db");

    public CapturingLoggerFactory Logs { get; }

    public SqliteDestinationConnector Connector { get; }

    public Dictionary<string, string> Configuration { get; } = new();

    public Dictionary<string, ByteString> Keys { get; } = new();

    public FileParams FileParams { get; } = BatchFileWriter.Params();

    public static Column Col(string name, DataType type, bool pk = false) => new() { Name = name, Type = type, PrimaryKey = pk };

    public static Table Table(string name, params Column[] columns)
    {
        var table = new Table { Name = name };
        table.Columns.AddRange(columns);
        return table;
    }

    public async Task<Table> CreateAsync(Table table)
    {
        var request = new CreateTableRequest { SchemaName = Schema, Table = table };
        request.Configuration.Add(Configuration);
        await Connector.CreateTableAsync(request, default);
        return table;
    }

    public string File(string[] header, params object?[][] rows)
    {
        var path = Path.Combine(Root, $"batch-{Interlocked.Increment(ref _files)}.csv.zst.aes");
        using var writer = BatchFileWriter.Create(path, FileParams, header);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }
        Keys[path] = writer.KeyBytes;
        return path;
    }

    public WriteBatchRequest Batch(Table table, IEnumerable<string>? replace = null, FileParams? fileParams = null)
    {
        var request = new WriteBatchRequest { SchemaName = Schema, Table = table, FileParams = fileParams ?? FileParams };
        request.Configuration.Add(Configuration);
        request.Keys.Add(Keys);
        request.ReplaceFiles.AddRange(replace ?? []);
        return request;
    }

    public Task WriteAsync(Table table, params string[] replace) => Connector.WriteBatchAsync(Batch(table, replace), default);

    public List<object?[]> Rows(string table, string columns = "*", string orderBy = "1", string? databasePath = null)
    {
        using var connection = Open(databasePath ?? DatabasePath);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM \"{Schema}.{table}\" ORDER BY {orderBy}";
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

    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log line (debug included) and runs <see cref="OnLine"/> on each, on the logging thread.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public Action<string>? OnLine { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner.Lines.Enqueue((logLevel, message));
            owner.OnLine?.Invoke(message);
        }
    }
}
