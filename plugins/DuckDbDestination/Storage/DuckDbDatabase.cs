using DuckDB.NET.Data;
using SqlDestinations;

namespace DuckDbDestination.Storage;

/// <summary>
/// One database file: a root connection kept open so every call shares one DuckDB instance (calls get their own
/// connection to it), and a lock that lets one write transaction run at a time — DuckDB allows a single
/// writer per file, and queued calls wait here instead of failing on a write-write conflict. Reads run alongside.
/// </summary>
internal sealed class DuckDbDatabase : IDisposable
{
    private readonly DuckDBConnection _root;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public DuckDbDatabase(string path, int memoryLimitMegabytes)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _root = new DuckDBConnection($"Data Source={path}");
        _root.Open();
        Path = path;
        using var command = _root.CreateCommand();
        // Instance-wide: bounds memory whatever the batch size (DuckDB spills to <file>.tmp beyond it); insertion
        // order is irrelevant to a destination and keeping it costs memory on large inserts.
        command.CommandText = $"SET memory_limit = '{memoryLimitMegabytes}MB'; SET preserve_insertion_order = false";
        command.ExecuteNonQuery();
        DuckDbFileScan.Register(_root);
        command.CommandText = "SELECT current_database()";
        Dialect = new DuckDbDialect((string)command.ExecuteScalar()!);
        Catalog = new TableCatalog(Dialect);
    }

    public string Path { get; }

    public DuckDbDialect Dialect { get; }

    public TableCatalog Catalog { get; }

    public DuckDbSession OpenRead() => new(Duplicate(), transactional: false);

    public async Task<WriteLease> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new WriteLease(new DuckDbSession(Duplicate(), transactional: true), _writeLock);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    /// <summary>Another connection to the same instance (DuckDB.NET shares one instance per open file path).</summary>
    private DuckDBConnection Duplicate()
    {
        var connection = new DuckDBConnection(_root.ConnectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        _root.Dispose();
        _writeLock.Dispose();
    }

    internal sealed class WriteLease(DuckDbSession session, SemaphoreSlim writeLock) : IDisposable
    {
        public DuckDbSession Session { get; } = session;

        public void Dispose()
        {
            Session.Dispose();
            writeLock.Release();
        }
    }
}
