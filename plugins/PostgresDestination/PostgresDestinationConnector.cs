using System.Collections.Concurrent;
using System.Net.Sockets;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Npgsql;
using PostgresDestination.Configuration;
using SqlDestinations;
using PostgresDestination.Storage;

namespace PostgresDestination;

/// <summary>
/// A destination on a PostgreSQL server: each Fivetran schema a PostgreSQL schema, each batch file streamed
/// through binary COPY into a temporary staging table and applied with set-based SQL. Every write call is one
/// transaction: all its files apply, or none. Calls on different tables run in parallel; schema changes take a
/// transaction-scoped advisory lock so concurrent CreateTable calls on one schema cannot race.
/// </summary>
public sealed class PostgresDestinationConnector : IDestinationConnector, IDisposable
{
    private readonly ILogger _logger;
    private readonly BatchFileFormat _batchFileFormat;
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _dataSources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _catalogReady = new(StringComparer.Ordinal);

    public PostgresDestinationConnector(PluginContext context)
    {
        _logger = context.LoggerFactory.CreateLogger("PostgresDestination");
        _batchFileFormat = BatchFileFormatSetting.Read(context);
    }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(PostgresSettings.Form());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = _batchFileFormat });

    public async Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        PostgresSettings settings;
        try
        {
            settings = PostgresSettings.From(request.Configuration);
        }
        catch (ConnectorException e)
        {
            return new TestResponse { Failure = e.Message };
        }

        try
        {
            await using var connection = await DataSource(settings).OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            switch (request.Name)
            {
                case PostgresSettings.ConnectTest:
                    await using (var version = new NpgsqlCommand("SELECT version()", connection))
                    {
                        _logger.LogInformation("Connected to {Server}: {Version}", settings.Describe(), await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
                    }

                    break;
                case PostgresSettings.PrivilegesTest:
                {
                    // Try what the destination does, then undo it: the answer is exact whatever grants or roles apply.
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    var dialect = new PostgresDialect(settings.SchemaPrefix);
                    await using var probe = new NpgsqlCommand(
                        $"CREATE SCHEMA IF NOT EXISTS {Sql.Quote(dialect.CatalogSchema)}; CREATE TABLE {Sql.Quote(dialect.CatalogSchema)}.\"__ch_privilege_probe\" (x integer); INSERT INTO {Sql.Quote(dialect.CatalogSchema)}.\"__ch_privilege_probe\" VALUES (1)",
                        connection, transaction);
                    await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    break;
                }

                default:
                    return new TestResponse { Failure = $"Unknown test '{request.Name}' (known: {PostgresSettings.ConnectTest}, {PostgresSettings.PrivilegesTest})." };
            }

            return new TestResponse { Success = true };
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            var message = Explain(settings, e);
            _logger.LogWarning("Test {Test} on {Server} failed: {Message}", request.Name, settings.Describe(), message);
            return new TestResponse { Failure = message };
        }
    }

    public async Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken)
    {
        var settings = PostgresSettings.From(request.Configuration);
        var catalog = new TableCatalog(new PostgresDialect(settings.SchemaPrefix));
        await EnsureCatalogAsync(settings, cancellationToken).ConfigureAwait(false);
        return await GuardAsync(settings, $"describing {request.SchemaName}.{request.TableName}", async () =>
        {
            using var session = new PostgresSession(await DataSource(settings).OpenConnectionAsync(cancellationToken).ConfigureAwait(false), transactional: false);
            var table = catalog.Find(session, request.SchemaName, request.TableName);
            return table is null ? new DescribeTableResponse { NotFound = true } : new DescribeTableResponse { Table = table.ToProto() };
        }).ConfigureAwait(false);
    }

    public async Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        var table = new TableDefinition(request.SchemaName, request.Table?.Name ?? "", request.Table?.Columns.Select(ColumnDefinition.FromProto).ToList() ?? []);
        await WriteAsync(request.Configuration, $"creating {table.DisplayName}", schemaChange: true, (session, dialect, catalog) => catalog.Create(session, table), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Created table {Table}", table.DisplayName);
        return new CreateTableResponse { Success = true };
    }

    public async Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"altering {name}", schemaChange: true, (session, dialect, catalog) =>
        {
            var current = catalog.Require(session, request.SchemaName, request.Table?.Name ?? "");
            new SchemaChanges(dialect, catalog, session).Alter(current, request.Table!, request.DropColumns);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Altered table {Table}", name);
        return new AlterTableResponse { Success = true };
    }

    public async Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.TableName}";
        long rows = 0;
        await WriteAsync(request.Configuration, $"truncating {name}", schemaChange: request.Soft is not null, (session, dialect, catalog) =>
        {
            if (catalog.Find(session, request.SchemaName, request.TableName) is { } table)
            {
                rows = new SchemaChanges(dialect, catalog, session).Truncate(table, request);
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Truncated {Table} ({Mode}): {Rows} rows", name, request.Soft is null ? "hard" : "soft", rows);
        return new TruncateResponse { Success = true };
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        var name = $"{request.SchemaName}.{request.Table?.Name}";
        await WriteAsync(request.Configuration, $"writing a batch to {name}", schemaChange: false, (session, dialect, catalog) =>
        {
            // Operations on a table that does not exist are no-ops, not errors.
            if (catalog.Find(session, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                new BatchApplier(dialect, catalog, session, table, request.FileParams, request.Keys, cancellationToken)
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
        await WriteAsync(request.Configuration, $"writing a history batch to {name}", schemaChange: false, (session, dialect, catalog) =>
        {
            if (catalog.Find(session, request.SchemaName, request.Table?.Name ?? "") is { } table)
            {
                new BatchApplier(dialect, catalog, session, table, request.FileParams, request.Keys, cancellationToken)
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
        await WriteAsync(request.Configuration, $"migrating {name}", schemaChange: true, (session, dialect, catalog) =>
        {
            supported = new Migrator(dialect, catalog, session).Migrate(details);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Migration {Operation} on {Table}: {Outcome}", details.OperationCase, name, supported ? "applied" : "unsupported");
        return supported ? new MigrateResponse { Success = true } : new MigrateResponse { Unsupported = true };
    }

    public void Dispose()
    {
        foreach (var dataSource in _dataSources.Values)
        {
            dataSource.Dispose();
        }
    }

    private NpgsqlDataSource DataSource(PostgresSettings settings) =>
        _dataSources.GetOrAdd(settings.ConnectionString, connectionString => NpgsqlDataSource.Create(connectionString));

    /// <summary>A bigint key for pg_advisory_xact_lock, stable across processes (FNV-1a of the catalog schema name).</summary>
    private static long LockKey(string catalogSchema)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes("connectorhost:" + catalogSchema))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private async Task EnsureCatalogAsync(PostgresSettings settings, CancellationToken cancellationToken)
    {
        var dialect = new PostgresDialect(settings.SchemaPrefix);
        var key = settings.ConnectionString + "|" + dialect.CatalogSchema;
        if (_catalogReady.ContainsKey(key))
        {
            return;
        }

        await GuardAsync(settings, "creating the catalog", async () =>
        {
            using var session = new PostgresSession(await DataSource(settings).OpenConnectionAsync(cancellationToken).ConfigureAwait(false), transactional: true);
            session.Execute("SELECT pg_advisory_xact_lock($1)", LockKey(dialect.CatalogSchema));
            new TableCatalog(dialect).EnsureCreated(session);
            session.Commit();
            return true;
        }).ConfigureAwait(false);
        _catalogReady[key] = true;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction: committed if it returns, rolled back if it throws.</summary>
    private async Task WriteAsync(IDictionary<string, string> configuration, string what, bool schemaChange, Action<ISqlSession, PostgresDialect, TableCatalog> work, CancellationToken cancellationToken)
    {
        var settings = PostgresSettings.From(configuration);
        await EnsureCatalogAsync(settings, cancellationToken).ConfigureAwait(false);
        var dialect = new PostgresDialect(settings.SchemaPrefix);
        var catalog = new TableCatalog(dialect);
        await GuardAsync(settings, what, async () =>
        {
            using var session = new PostgresSession(await DataSource(settings).OpenConnectionAsync(cancellationToken).ConfigureAwait(false), transactional: true);
            // Sorts and hashes over a whole batch would spill to disk at the 4 MB default.
            session.Execute("SET LOCAL work_mem = '64MB'");
            if (schemaChange)
            {
                session.Execute("SELECT pg_advisory_xact_lock($1)", LockKey(dialect.CatalogSchema));
            }

            work(session, dialect, catalog);
            session.Commit();
            return true;
        }).ConfigureAwait(false);
    }

    private async Task<T> GuardAsync<T>(PostgresSettings settings, string what, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is "28P01" or "28000" or "3D000" or "42501")
        {
            // Credentials, a missing database or missing privileges: only the customer can fix these.
            throw ConnectorAlertException.Task(Explain(settings, e), e);
        }
        catch (PostgresException e)
        {
            var kind = e.SqlState switch
            {
                ['2', '2', ..] or ['2', '3', ..] => ConnectorErrorKind.InvalidArgument, // data exception, integrity violation
                "40001" or "40P01" or "55P03" or "57014" or ['0', '8', ..] or ['5', '3', ..] or "57P01" or "57P02" or "57P03" => ConnectorErrorKind.Unavailable,
                _ => ConnectorErrorKind.Internal,
            };
            throw new ConnectorException(kind, $"PostgreSQL failed while {what}: {e.MessageText} (SQLSTATE {e.SqlState})", e);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new ConnectorException(ConnectorErrorKind.Unavailable, $"PostgreSQL at {settings.Host}:{settings.Port} is unreachable while {what}: {Explain(settings, e)}", e);
        }
    }

    /// <summary>A message per failure a user can act on (never the password).</summary>
    private static string Explain(PostgresSettings settings, Exception e) => e switch
    {
        PostgresException { SqlState: "28P01" } => $"Authentication failed for user '{settings.User}': check the user name and password.",
        PostgresException { SqlState: "28000" } => $"The server does not accept user '{settings.User}' from this host ({((PostgresException)e).MessageText}); check pg_hba.conf and the SSL mode.",
        PostgresException { SqlState: "3D000" } => $"Database '{settings.Database}' does not exist on {settings.Host}:{settings.Port}.",
        PostgresException { SqlState: "42501" } => $"User '{settings.User}' lacks a privilege the destination needs ({((PostgresException)e).MessageText}); grant it with: GRANT CREATE ON DATABASE \"{settings.Database}\" TO \"{settings.User}\";",
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        _ when FindSocketError(e) is { } socket => $"Cannot reach {settings.Host}:{settings.Port} ({socket.SocketErrorCode}: {socket.Message}); check host, port and firewall.",
        TimeoutException or NpgsqlException { InnerException: TimeoutException } => $"Timed out connecting to {settings.Host}:{settings.Port}; check host, port and firewall.",
        _ => $"Cannot connect to {settings.Host}:{settings.Port}: {e.Message}",
    };

    private static SocketException? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket;
            }
        }

        return null;
    }
}
