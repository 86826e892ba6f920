using System.Security.Cryptography;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using ProbeShared;

namespace ProbeDestination;

/// <summary>
/// A deterministic destination for host tests: every RPC answers success (or a fixed answer) unless the request's
/// configuration asks for a behaviour (see ProbeSource: connector-error, plain-error, log-config, slow, responseBytes).
/// With "echo" = "true" in the configuration, each table and batch RPC logs <c>received &lt;Rpc&gt; &lt;request as JSON&gt;</c>,
/// without the configuration and with each AES key replaced by its SHA-256, so tests can assert what reached the plugin.
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
        Echo("DescribeTable", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(request.TableName == "missing"
            ? new DescribeTableResponse { NotFound = true }
            : new DescribeTableResponse { Table = new Table { Name = request.TableName, Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true } } } });
    }

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        Echo("CreateTable", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(new CreateTableResponse { Success = true });
    }

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken)
    {
        Echo("AlterTable", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(new AlterTableResponse { Success = true });
    }

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken)
    {
        Echo("Truncate", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(new TruncateResponse { Success = true });
    }

    public async Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken)
    {
        Echo("WriteBatch", request, request.Configuration);
        Behave(request.Configuration);
        if (ProbeForm.Behaviour(request.Configuration) == "slow")
        {
            try
            {
                // Tests wait for this line before they cancel, so the cancellation always finds the plugin waiting.
                _logger.LogInformation("write batch waiting for cancellation");
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
        Echo("WriteHistoryBatch", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(new WriteBatchResponse { Success = true });
    }

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken)
    {
        Echo("Migrate", request, request.Configuration);
        Behave(request.Configuration);
        return Task.FromResult(new MigrateResponse { Unsupported = true });
    }

    private void Echo<T>(string rpc, T request, IDictionary<string, string> configuration)
        where T : IMessage<T>
    {
        if (!configuration.TryGetValue("echo", out var echo) || echo != "true")
        {
            return;
        }

        var copy = request.Clone();
        var descriptor = copy.Descriptor;
        descriptor.FindFieldByName("configuration")?.Accessor.Clear(copy);
        if (descriptor.FindFieldByName("keys")?.Accessor.GetValue(copy) is IDictionary<string, ByteString> keys)
        {
            foreach (var file in keys.Keys.ToList())
            {
                keys[file] = ByteString.CopyFrom(SHA256.HashData(keys[file].Span));
            }
        }

        _logger.LogInformation("received {Rpc} {Request}", rpc, JsonFormatter.Default.Format(copy));
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
