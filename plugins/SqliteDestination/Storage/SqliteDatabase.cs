using ConnectorHost.Abstractions;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Configuration;
using SqliteDestination.Types;

namespace SqliteDestination.Storage;

/// <summary>
/// One database file. SQLite allows one writer at a time: every write call takes <see cref="BeginWriteAsync"/>,
/// which serialises writers in this process (other processes wait on the busy timeout), while reads open their own
/// connection and proceed alongside thanks to WAL.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _initLock = new();
    private bool _initialised;

    public SqliteDatabase(string filePath)
    {
        FilePath = filePath;
    }

    public string FilePath { get; }

    public SqliteConnection Open(SqliteSettings settings)
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, settings.BusyTimeoutMilliseconds / 1000),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute($"""
                PRAGMA busy_timeout = {settings.BusyTimeoutMilliseconds};
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {settings.Synchronous};
                PRAGMA cache_size = -32768;
                PRAGMA temp_store = MEMORY;
                """);
            ConversionFunction.Register(connection);
            lock (_initLock)
            {
                if (!_initialised)
                {
                    TableCatalog.EnsureCreated(connection);
                    _initialised = true;
                }
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes the write lock, opens a connection and begins an IMMEDIATE transaction.</summary>
    public async Task<WriteSession> BeginWriteAsync(SqliteSettings settings, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            connection = Open(settings);
            connection.Execute("BEGIN IMMEDIATE");
            return new WriteSession(connection, _writeLock);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            _writeLock.Release();
            throw new ConnectorException(ConnectorErrorKind.Unavailable, $"Cannot open database '{FilePath}' for writing: {ex.Message}", ex);
        }
        catch
        {
            connection?.Dispose();
            _writeLock.Release();
            throw;
        }
    }
}

/// <summary>An open write transaction. Disposing without <see cref="Commit"/> rolls everything back.</summary>
internal sealed class WriteSession : IDisposable
{
    private readonly SemaphoreSlim _writeLock;
    private bool _done;

    public WriteSession(SqliteConnection connection, SemaphoreSlim writeLock)
    {
        Connection = connection;
        _writeLock = writeLock;
    }

    public SqliteConnection Connection { get; }

    public void Commit()
    {
        Connection.Execute("COMMIT");
        _done = true;
    }

    public void Dispose()
    {
        try
        {
            if (!_done)
            {
                try
                {
                    Connection.Execute("ROLLBACK");
                }
                catch (SqliteException)
                {
                    // SQLite already rolled back (e.g. after an I/O error); nothing left to undo.
                }
            }

            Connection.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
