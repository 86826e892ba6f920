using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Configuration;
using SqliteDestination.Types;
using Microsoft.Extensions.Logging;

namespace SqliteDestination.Storage;

/// <summary>
/// One database file. SQLite allows one writer at a time: every write call takes <see cref="BeginWriteAsync"/>,
/// which serialises writers in this process (other processes wait on the busy timeout), while reads open their own
/// connection and proceed alongside thanks to WAL.
/// </summary>
internal sealed class SqliteDatabase
{
    /// <summary>
    /// Page size of files this plugin creates (an existing file keeps its own). Updates and deletes spread over a large
    /// table dirty most of its pages, and each dirty page costs a WAL frame and syscalls at commit; 16 KiB pages made
    /// the 100k-row update and delete benchmarks about 1.3x and 1.5x faster than SQLite's 4 KiB default, while
    /// keeping the write amplification of small batches modest (64 KiB was no faster; see bench/README.md).
    /// </summary>
    public const int NewFilePageSize = 16384;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _initLock = new();
    private readonly ConcurrentDictionary<string, bool> _connectionStrings = new(StringComparer.Ordinal);
    private bool _initialised;

    public SqliteDatabase(string filePath)
    {
        FilePath = filePath;
    }

    public string FilePath { get; }

    public SqliteConnection Open(SqliteSettings settings, bool createIfMissing = true)
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (createIfMissing && !string.IsNullOrEmpty(directory))
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw StorageFailures.FromFolder(ex, FilePath);
            }
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = createIfMissing ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            // Pooled: a closing connection would otherwise checkpoint the whole WAL inside the call.
            Pooling = true,
            DefaultTimeout = Math.Max(1, settings.BusyTimeoutMilliseconds / 1000),
        }.ToString();
        _connectionStrings.TryAdd(connectionString, true);
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute($"""
                PRAGMA page_size = {NewFilePageSize};
                PRAGMA busy_timeout = {settings.BusyTimeoutMilliseconds};
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {settings.Synchronous};
                PRAGMA cache_size = -{settings.CacheSizeMegabytes * 1024};
                PRAGMA temp_store = MEMORY;
                PRAGMA mmap_size = 268435456;
                PRAGMA wal_autocheckpoint = 0;
                PRAGMA journal_size_limit = 67108864;
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

    /// <summary>Closes this database's pooled connections (and their file descriptors) once they are idle.</summary>
    public void ClosePooledConnections()
    {
        foreach (var connectionString in _connectionStrings.Keys)
        {
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private int _checkpointScheduled;

    /// <summary>
    /// Copies committed WAL content into the database file off the caller's path (automatic checkpoints are off so
    /// a large batch does not pay for its checkpoint inside the call). Coalesced: at most one runs at a time.
    /// <paramref name="hold"/> keeps the database open while the checkpoint runs and is disposed after it.
    /// </summary>
    public void ScheduleCheckpoint(SqliteSettings settings, ILogger logger, Func<IDisposable> hold)
    {
        if (Interlocked.Exchange(ref _checkpointScheduled, 1) == 1)
        {
            return;
        }

        var held = hold();
        _ = Task.Run(() =>
        {
            try
            {
                if (!File.Exists(FilePath))
                {
                    return;
                }

                using var connection = Open(settings, createIfMissing: false);
                connection.Execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or ConnectorHost.Abstractions.ConnectorAlertException)
            {
                logger.LogDebug("Background checkpoint of {Path} skipped: {Reason}", FilePath, ex.Message);
            }
            finally
            {
                Volatile.Write(ref _checkpointScheduled, 0);
                held.Dispose();
            }
        });
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
            throw StorageFailures.From(ex, FilePath, "opening it for writing");
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
