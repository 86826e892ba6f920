using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using ProbeShared;

namespace ProbeSource;

/// <summary>
/// A deterministic source for host tests. Request configuration drives it:
/// "behaviour" = connector-error (with "kind" = a ConnectorErrorKind and "message"), plain-error ("message"),
/// slow (Update: one record, then wait for cancellation; logs "update cancelled", or "update cancelled for X" when
/// "caller" = X names who called, so concurrent clients can each find their own line), log-config (logs the whole configuration dictionary);
/// "responseBytes" = N makes Test's failure text / Schema's table name N characters long.
/// Without a behaviour: Test answers failure "configuration entries: N", Update sends 3 records and a checkpoint.
/// </summary>
public sealed class ProbeSource(PluginContext context) : ISourceConnector
{
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<ProbeSource>();

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ProbeForm.Create());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        var text = ProbeForm.Sized(request.Configuration) ?? $"configuration entries: {request.Configuration.Count}";
        return Task.FromResult(request.Name == "ok" ? new TestResponse { Success = true } : new TestResponse { Failure = text });
    }

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        var table = new Table { Name = ProbeForm.Sized(request.Configuration) ?? "probe_table" };
        table.Columns.Add(new Column { Name = "id", Type = DataType.Long, PrimaryKey = true });
        return Task.FromResult(new SchemaResponse { WithoutSchema = new TableList { Tables = { table } } });
    }

    public async Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken)
    {
        Behave(request.Configuration);
        if (ProbeForm.Behaviour(request.Configuration) == "slow")
        {
            await output.WriteRecordAsync(Row(1), cancellationToken);
            await output.FlushAsync(cancellationToken);
            try
            {
                // Tests wait for this line before they cancel, so the cancellation always finds the plugin waiting.
                _logger.LogInformation("update waiting for cancellation");
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                if (request.Configuration.TryGetValue("caller", out var caller))
                {
                    _logger.LogInformation("update cancelled for {Caller}", caller);
                }
                else
                {
                    _logger.LogInformation("update cancelled");
                }

                throw;
            }
        }

        for (var id = 1; id <= 3; id++)
        {
            await output.WriteRecordAsync(Row(id), cancellationToken);
        }

        await output.CheckpointAsync("{\"cursor\":3}", cancellationToken);
    }

    private static Record Row(long id) => new()
    {
        TableName = "probe_table",
        Type = RecordType.Upsert,
        Data = { ["id"] = new FivetranSdk.V2.ValueType { Long = id } },
    };

    private void Behave(IDictionary<string, string> configuration)
    {
        if (ProbeForm.Behaviour(configuration) == "log-config")
        {
            _logger.LogInformation("configuration: {Configuration}", configuration);
        }

        ProbeForm.ThrowIfAsked(configuration);
    }
}
