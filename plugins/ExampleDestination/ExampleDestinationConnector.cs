using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using ExampleDestination.Batches;
using ExampleDestination.Configuration;
using ExampleDestination.Tables;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace ExampleDestination;

/// <summary>
/// Fivetran's Python example destination, in C#: the same configuration form, an in-memory table registry, and batch
/// files read completely (decrypted, decompressed, parsed) and logged rather than stored. See
/// ../shared/reference/example-behaviour.md.
/// </summary>
public sealed class ExampleDestinationConnector : IDestinationConnector
{
    private readonly ILogger _logger;
    private readonly TableRegistry _tables = new();
    private readonly BatchFileLister _batchFiles;

    public ExampleDestinationConnector(PluginContext context)
    {
        _logger = context.LoggerFactory.CreateLogger<ExampleDestinationConnector>();
        _batchFiles = new BatchFileLister(_logger);
    }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ExampleDestinationForm.Build());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = BatchFileFormat.Csv });

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        if (!ExampleDestinationForm.TestNames.Contains(request.Name))
        {
            return Task.FromResult(new TestResponse
            {
                Failure = $"Unknown test '{request.Name}'. Known tests: {string.Join(", ", ExampleDestinationForm.TestNames)}.",
            });
        }
        _logger.LogInformation("Test {Test} passed", request.Name);
        return Task.FromResult(new TestResponse { Success = true });
    }

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken)
    {
        var table = _tables.Find(request.SchemaName, request.TableName);
        return Task.FromResult(table is null
            ? new DescribeTableResponse { NotFound = true }
            : new DescribeTableResponse { Table = table });
    }

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        var table = RequireTable(request.Table);
        _tables.Store(request.SchemaName, table);
        _logger.LogInformation("Created table {Schema}.{Table} with columns {Columns}",
            request.SchemaName, table.Name, string.Join(", ", table.Columns.Select(c => $"{c.Name} {c.Type}{(c.PrimaryKey ? " PK" : "")}")));
        return Task.FromResult(new CreateTableResponse { Success = true });
    }

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        var table = RequireTable(request.Table);
        _tables.Store(request.SchemaName, table);
        _logger.LogInformation("Altered table {Schema}.{Table} (drop_columns={DropColumns}); columns now {Columns}",
            request.SchemaName, table.Name, request.DropColumns, string.Join(", ", table.Columns.Select(c => c.Name)));
        return Task.FromResult(new AlterTableResponse { Success = true });
    }

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Truncate {Kind} of {Schema}.{Table}: rows with {SyncedColumn} before {Before}",
            request.Soft is null ? "hard" : $"soft (set {request.Soft.DeletedColumn})", request.SchemaName, request.TableName,
            request.SyncedColumn, request.UtcDeleteBefore?.ToDateTimeOffset().ToString("O") ?? "(none)");
        return Task.FromResult(new TruncateResponse { Success = true });
    }

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        _batchFiles.ReadAll(request.SchemaName, request.Table, request.FileParams, request.Keys,
        [
            (BatchFileOperation.Replace, request.ReplaceFiles),
            (BatchFileOperation.Update, request.UpdateFiles),
            (BatchFileOperation.Delete, request.DeleteFiles),
        ], cancellationToken);
        return Task.FromResult(new WriteBatchResponse { Success = true });
    }

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken)
    {
        // The history-mode guide's order: earliest_start, replace, update, delete.
        _batchFiles.ReadAll(request.SchemaName, request.Table, request.FileParams, request.Keys,
        [
            (BatchFileOperation.EarliestStart, request.EarliestStartFiles),
            (BatchFileOperation.Replace, request.ReplaceFiles),
            (BatchFileOperation.Update, request.UpdateFiles),
            (BatchFileOperation.Delete, request.DeleteFiles),
        ], cancellationToken);
        return Task.FromResult(new WriteBatchResponse { Success = true });
    }

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new MigrateResponse { Unsupported = true });

    private static Table RequireTable(Table? table) =>
        table ?? throw new ConnectorHost.Abstractions.ConnectorException(
            ConnectorHost.Abstractions.ConnectorErrorKind.InvalidArgument, "The request has no table.");
}
