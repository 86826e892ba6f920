using System.Collections.Concurrent;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using DuckDB.NET.Data;
using DuckDbDestination.Configuration;
using SqlDestinations;
using DuckDbDestination.Storage;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace DuckDbDestination;

/// <summary>
/// A destination that lands everything in one DuckDB database file: each Fivetran schema a DuckDB schema, each
/// file streamed through the appender into a staging table and applied with set-based SQL. Every write call is
/// one transaction: all its files apply, or none.
/// </summary>
public sealed class DuckDbDestinationConnector : IDestinationConnector, IDisposable
{
    private readonly PluginContext _context;
    private readonly ILogger _logger;
    private readonly BatchFileFormat _batchFileFormat;
    private readonly ConcurrentDictionary<string, Lazy<DuckDbDatabase>> _databases = new(StringComparer.Ordinal);

    public DuckDbDestinationConnector(PluginContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger("DuckDbDestination");
        _batchFileFormat = BatchFileFormatSetting.Read(context);
    }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(DuckDbSettings.Form());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = _batchFileFormat });

    public async Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var settings = Settings(request.Configuration);
            switch (request.Name)
            {
                case DuckDbSettings.ConnectTest:
                    using (var session = Database(settings).OpenRead())
                    {
                        session.Scalar("SELECT 1");
                    }

                    break;
                case DuckDbSettings.WriteTest:
                    await WriteAsync(request.Configuration, "testing a write", (session, database) =>
                    {
                        var probe = $"{database.Dialect.QuoteSchema(database.Dialect.CatalogSchema)}.\"write_probe\"";
                        session.Execute($"CREATE TABLE {probe} (x INTEGER)");
                        session.Execute($"DROP TABLE {probe}");
                    }, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return new TestResponse { Failure = $"Unknown test '{request.Name}' (known: {DuckDbSettings.ConnectTest}, {DuckDbSettings.WriteTest})." };
            }

            return new TestResponse { Success = true };
        }
        catch (ConnectorException e)
        {
            return new TestResponse { Failure = e.Message };
        }
    }

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken)
    {
        var settings = Settings(request.Configuration);
        return Task.FromResult(Guard($"describing {request.SchemaName}.{request.TableName}", () =>
        {
            var database = Database(settings);
            using var session = database.OpenRead();
            var table = database.Catalog.Find(session, request.SchemaName, request.TableName);
            return table is null ? new DescribeTableResponse { NotFound = true } : new DescribeTableResponse { Table = table.ToProto() };
        }));
    }

    public async Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        var table = new TableDefinition(request.SchemaName, request.Table?.Name ?? "", request.Table?.Columns.Select(ColumnDefinition.FromProto).ToList() ?? []);
        await WriteAsync(request.Configuration, $"creating {table.DisplayName}", (session, db) => db.Catalog.Create(session, table), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Created table {Table}", table.DisplayName);
        return new CreateTableResponse { Success = true };
    }

    public async Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"altering {name}", (session, db) =>
        {
            var current = db.Catalog.Require(session, request.SchemaName, request.Table?.Name ?? "");
            new SchemaChanges(db.Dialect, db.Catalog, session).Alter(current, request.Table!, request.DropColumns);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Altered table {Table}", name);
        return new AlterTableResponse { Success = true };
    }

    public async Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.TableName}";
        long rows = 0;
        await WriteAsync(request.Configuration, $"truncating {name}", (session, db) =>
        {
            if (db.Catalog.Find(session, request.SchemaName, request.TableName) is { } table)
            {
                rows = new SchemaChanges(db.Dialect, db.Catalog, session).Truncate(table, request);
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Truncated {Table} ({Mode}): {Rows} rows", name, request.Soft is null ? "hard" : "soft", rows);
        return new TruncateResponse { Success = true };
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"writing a batch to {name}", (session, db) =>
        {
            // Operations on a table that does not exist are no-ops, not errors.
            if (db.Catalog.Find(session, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                new BatchApplier(db.Dialect, db.Catalog, session, table, request.FileParams, request.Keys, cancellationToken)
                    .WriteLive(request.ReplaceFiles, request.UpdateFiles, request.DeleteFiles);
            }
            else
            {
                _logger.LogWarning("WriteBatch for {Table}, which does not exist: nothing applied", name);
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Wrote batch to {Table}: {Replace} replace, {Update} update, {Delete} delete files", name, request.ReplaceFiles.Count, request.UpdateFiles.Count, request.DeleteFiles.Count);
        return new WriteBatchResponse { Success = true };
    }

    public async Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"writing a history batch to {name}", (session, db) =>
        {
            if (db.Catalog.Find(session, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                new BatchApplier(db.Dialect, db.Catalog, session, table, request.FileParams, request.Keys, cancellationToken)
                    .WriteHistory(request.EarliestStartFiles, request.ReplaceFiles, request.UpdateFiles, request.DeleteFiles);
            }
            else
            {
                _logger.LogWarning("WriteHistoryBatch for {Table}, which does not exist: nothing applied", name);
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Wrote history batch to {Table}: {Earliest} earliest-start, {Replace} replace, {Update} update, {Delete} delete files",
            name, request.EarliestStartFiles.Count, request.ReplaceFiles.Count, request.UpdateFiles.Count, request.DeleteFiles.Count);
        return new WriteBatchResponse { Success = true };
    }

    public async Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken)
    {
        var details = request.Details ?? throw new ConnectorException(ConnectorErrorKind.InvalidArgument, "Migrate request has no details.");
        var name = $"{details.Schema}.{details.Table}";
        var supported = true;
        await WriteAsync(request.Configuration, $"migrating {name}", (session, db) =>
        {
            supported = new Migrator(db.Dialect, db.Catalog, session).Migrate(details);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Migration {Operation} on {Table}: {Outcome}", details.OperationCase, name, supported ? "applied" : "unsupported");
        return supported ? new MigrateResponse { Success = true } : new MigrateResponse { Unsupported = true };
    }

    public void Dispose()
    {
        foreach (var database in _databases.Values.Where(d => d.IsValueCreated))
        {
            database.Value.Dispose();
        }
    }

    private DuckDbSettings Settings(IDictionary<string, string> configuration) => DuckDbSettings.From(configuration, _context.DataDirectory);

    private DuckDbDatabase Database(DuckDbSettings settings)
    {
        var database = _databases.GetOrAdd(settings.DatabasePath, path => new Lazy<DuckDbDatabase>(() => Open(path, settings.MemoryLimitMegabytes)));
        try
        {
            return database.Value;
        }
        catch
        {
            _databases.TryRemove(settings.DatabasePath, out _);
            throw;
        }
    }

    private DuckDbDatabase Open(string path, int memoryLimitMegabytes) => Guard($"opening {path}", () =>
    {
        var database = new DuckDbDatabase(path, memoryLimitMegabytes);
        using var session = database.OpenRead();
        database.Catalog.EnsureCreated(session);
        return database;
    });

    /// <summary>Runs <paramref name="work"/> in one write transaction: committed if it returns, rolled back if it throws.</summary>
    private async Task WriteAsync(IDictionary<string, string> configuration, string what, Action<ISqlSession, DuckDbDatabase> work, CancellationToken cancellationToken)
    {
        var database = Database(Settings(configuration));
        using var lease = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        Guard(what, () =>
        {
            work(lease.Session, database);
            lease.Session.Commit();
            return true;
        });
    }

    private static T Guard<T>(string what, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (DuckDBException ex)
        {
            var message = ex.Message;
            var kind = message.Contains("Conversion Error", StringComparison.Ordinal) || message.Contains("Constraint Error", StringComparison.Ordinal) || message.Contains("Out of Range", StringComparison.Ordinal)
                ? ConnectorErrorKind.InvalidArgument
                : message.Contains("IO Error", StringComparison.Ordinal) || message.Contains("lock", StringComparison.OrdinalIgnoreCase)
                    ? ConnectorErrorKind.Unavailable
                    : ConnectorErrorKind.Internal;
            throw new ConnectorException(kind, $"DuckDB failed while {what}: {Truncate(message)}", ex);
        }
    }

    private static string Truncate(string message) => message.Length > 2000 ? message[..2000] + "…" : message;
}
