using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using ProbeShared;

namespace ProbeDestination;

/// <summary>
/// A deterministic destination for host tests: every RPC answers success (or a fixed answer) unless the request's
/// configuration asks for a behaviour (see ProbeSource: connector-error, plain-error, log-config, slow, responseBytes).
/// </summary>
public sealed class ProbeDestination(PluginContext context) : IDestinationConnector
{
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<ProbeDestination>();

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(ProbeForm.Create());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = BatchFileFormat.Csv });

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        var text = ProbeForm.Sized(request.Configuration) ?? $"configuration entries: {request.Configuration.Count}";
        return Task.FromResult(request.Name == "ok" ? new TestResponse { Success = true } : new TestResponse { Failure = text });
    }

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(request.TableName == "missing"
            ? new DescribeTableResponse { NotFound = true }
            : new DescribeTableResponse { Table = new Table { Name = request.TableName, Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true } } } });
    }

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(new CreateTableResponse { Success = true });
    }

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(new AlterTableResponse { Success = true });
    }

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(new TruncateResponse { Success = true });
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        if (ProbeForm.Behaviour(request.Configuration) == "slow")
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _logger.LogInformation("write batch cancelled");
                throw;
            }
        }

        return new WriteBatchResponse { Success = true };
    }

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(new WriteBatchResponse { Success = true });
    }

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        return Task.FromResult(new MigrateResponse { Unsupported = true });
    }

    private void Behave(IDictionary<string, string> configuration)
    {
        if (ProbeForm.Behaviour(configuration) == "log-config")
        {
            _logger.LogInformation("configuration: {Configuration}", configuration);
        }

        ProbeForm.ThrowIfAsked(configuration);
    }
}
