using System.Collections.Concurrent;
using System.Text.Json;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace MyDestination;

/// <summary>
/// A destination that appends every batch-file row to a JSON-lines file per table in its data folder
/// (<c>&lt;schema&gt;.&lt;table&gt;.jsonl</c>, one object per row with its operation). Replace the writing with your
/// warehouse's bulk load; keep the reading: <see cref="BatchFileReader"/> decrypts, decompresses and parses the files
/// Fivetran sends, streaming, with a precise error for every damaged file.
/// </summary>
public sealed class MyDestinationConnector(PluginContext context) : IDestinationConnector
{
    private readonly ConcurrentDictionary<(string Schema, string Table), FivetranSdk.V2.Table> _tables = new();
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<MyDestinationConnector>();

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken)
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        form.Fields.Add(new FormField { Name = "apiKey", Label = "API key", Required = false, TextField = TextField.Password });
        form.Tests.Add(new ConfigurationTest { Name = "write", Label = "Checking the data folder is writable" });
        return Task.FromResult(form);
    }

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = BatchFileFormat.Csv });

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var probe = Path.Combine(context.DataDirectory, ".write-test");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return Task.FromResult(new TestResponse { Success = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(new TestResponse { Failure = $"The data folder {context.DataDirectory} is not writable: {e.Message}" });
        }
    }

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(_tables.TryGetValue((request.SchemaName, request.TableName), out var table)
            ? new DescribeTableResponse { Table = table }
            : new DescribeTableResponse { NotFound = true });

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        _tables[(request.SchemaName, request.Table.Name)] = request.Table;
        return Task.FromResult(new CreateTableResponse { Success = true });
    }

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        _tables[(request.SchemaName, request.Table.Name)] = request.Table;
        return Task.FromResult(new AlterTableResponse { Success = true });
    }

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        // A table that does not exist is a no-op, as the destination guide asks.
        File.Delete(PathOf(request.SchemaName, request.TableName));
        return Task.FromResult(new TruncateResponse { Success = true });
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        await using var output = new StreamWriter(PathOf(request.SchemaName, request.Table.Name), append: true);
        foreach (var (operation, files) in new[] { ("upsert", request.ReplaceFiles), ("update", request.UpdateFiles), ("delete", request.DeleteFiles) })
        {
            foreach (var file in files)
            {
                using var reader = BatchFileReader.Open(file, request.FileParams, request.Keys, request.Table);
                while (reader.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var row = new Dictionary<string, object?> { ["_op"] = operation };
                    for (var i = 0; i < reader.Columns.Count; i++)
                    {
                        if (!reader.IsUnmodified(i))
                        {
                            row[reader.Columns[i]] = reader.IsNull(i) ? null : reader.GetString(i);
                        }
                    }

                    await output.WriteLineAsync(JsonSerializer.Serialize(row));
                }
            }
        }

        _logger.LogInformation("Wrote batch for {Schema}.{Table}", request.SchemaName, request.Table.Name);
        return new WriteBatchResponse { Success = true };
    }

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) =>
        throw new ConnectorException(ConnectorErrorKind.Unimplemented, "History mode is not supported by MyDestination.");

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new MigrateResponse { Unsupported = true });

    // Names come from the request: escaped so that no name can reach outside the data folder.
    private string PathOf(string schema, string table) =>
        Path.Combine(context.DataDirectory, $"{Uri.EscapeDataString(schema)}.{Uri.EscapeDataString(table)}.jsonl");
}
