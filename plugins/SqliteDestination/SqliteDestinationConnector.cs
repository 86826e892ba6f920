using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SqliteDestination.Catalog;
using SqliteDestination.Configuration;
using SqliteDestination.Migration;
using SqliteDestination.Schema;
using SqliteDestination.Storage;
using SqliteDestination.Writing;

namespace SqliteDestination;

/// <summary>
/// A destination that lands everything in one SQLite database file. Each write call is one transaction:
/// it either applies completely or leaves the database exactly as it was.
/// </summary>
public sealed class SqliteDestinationConnector : IDestinationConnector
{
    private readonly OperatorLimits _limits;
    private readonly ILogger _logger;
    private readonly DatabaseRegistry _databases;

    /// <summary>Reads the operator's settings (<see cref="OperatorLimits"/>); a setting it cannot use throws, naming it.</summary>
    public SqliteDestinationConnector(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _limits = OperatorLimits.From(context);
        _logger = context.LoggerFactory.CreateLogger("SqliteDestination");
        _databases = new DatabaseRegistry(_limits.MaxOpenDatabases);
    }

    /// <summary>How many databases the plugin has open or idle-pooled now (bounded by the operator's maxOpenDatabases).</summary>
    internal int KnownDatabaseCount => _databases.Count;

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ConfigurationFormFactory.Create());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = _limits.BatchFileFormat });

    public async Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        SqliteSettings settings;
        try
        {
            settings = Settings(request.Configuration);
        }
        catch (Exception ex) when (ex is ConnectorException or ConnectorAlertException)
        {
            _logger.LogInformation("Test {Test}: {Outcome}", request.Name, ex.Message);
            return new TestResponse { Failure = ex.Message };
        }

        using var lease = _databases.Acquire(settings.DatabasePath);
        var response = await ConnectionTester.RunAsync(request.Name, settings, lease.Database, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Test {Test} on {Path}: {Outcome}", request.Name, settings.DatabasePath, response.Success ? "success" : response.Failure);
        return response;
    }

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken)
    {
        var settings = Settings(request.Configuration);
        using var lease = _databases.Acquire(settings.DatabasePath);
        return Task.FromResult(Guard(settings, $"describing {request.SchemaName}.{request.TableName}", () =>
        {
            using var connection = lease.Database.Open(settings);
            var table = TableCatalog.Find(connection, request.SchemaName, request.TableName);
            return table is null ? new DescribeTableResponse { NotFound = true } : new DescribeTableResponse { Table = table.ToProto() };
        }));
    }

    public async Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"creating {name}", connection =>
        {
            TableCatalog.Create(connection, request.SchemaName, request.Table?.Name ?? "", request.Table?.Columns ?? []);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Created table {Table}", name);
        return new CreateTableResponse { Success = true };
    }

    public async Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"altering {name}", connection =>
        {
            var table = TableCatalog.Require(connection, request.SchemaName, request.Table?.Name ?? "");
            TableAlterer.Alter(connection, table, request.Table!, request.DropColumns);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Altered table {Table}", name);
        return new AlterTableResponse { Success = true };
    }

    public async Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.TableName}";
        var rows = 0;
        await WriteAsync(request.Configuration, $"truncating {name}", connection =>
        {
            if (TableCatalog.Find(connection, request.SchemaName, request.TableName) is { } table)
            {
                rows = TableTruncator.Truncate(connection, table, request);
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Truncated {Table} ({Mode}): {Rows} rows", name, request.Soft is null ? "hard" : "soft", rows);
        return new TruncateResponse { Success = true };
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"writing a batch to {name}", connection =>
        {
            // Operations on a table that does not exist are no-ops, not errors.
            if (TableCatalog.Find(connection, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                LiveBatchWriter.Write(connection, table, request, new BatchProgress(_logger, name, _limits.MaxRowBytes, cancellationToken));
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
        await WriteAsync(request.Configuration, $"writing a history batch to {name}", connection =>
        {
            if (TableCatalog.Find(connection, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                HistoryBatchWriter.Write(connection, table, request, new BatchProgress(_logger, name, _limits.MaxRowBytes, cancellationToken));
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
        await WriteAsync(request.Configuration, $"migrating {name}", connection =>
        {
            supported = Migrator.Migrate(connection, details);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Migration {Operation} on {Table}: {Outcome}", details.OperationCase, name, supported ? "applied" : "unsupported");
        return supported ? new MigrateResponse { Success = true } : new MigrateResponse { Unsupported = true };
    }

    private SqliteSettings Settings(IDictionary<string, string> configuration) =>
        SqliteSettings.From(configuration, _limits);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction: committed if it returns, rolled back if it throws.
    /// Cancellation (deadline, client gone, shutdown) is checked once more just before COMMIT, so a call that will
    /// answer an error status does not commit.
    /// </summary>
    private async Task WriteAsync(IDictionary<string, string> configuration, string what, Action<SqliteConnection> work, CancellationToken cancellationToken)
    {
        var settings = Settings(configuration);
        using var lease = _databases.Acquire(settings.DatabasePath);
        var database = lease.Database;
        using (var session = await database.BeginWriteAsync(settings, cancellationToken).ConfigureAwait(false))
        {
            Guard(settings, what, () =>
            {
                work(session.Connection);
                cancellationToken.ThrowIfCancellationRequested();
                session.Commit();
                return true;
            });
        }

        database.ScheduleCheckpoint(settings, _logger, () => _databases.Acquire(settings.DatabasePath));
    }

    private static T Guard<T>(SqliteSettings settings, string what, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException ex)
        {
            throw StorageFailures.From(ex, settings.DatabasePath, what);
        }
    }
}
