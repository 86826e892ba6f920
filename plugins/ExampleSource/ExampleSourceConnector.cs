using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace ExampleSource;

/// <summary>The example source plugin: Fivetran's Python example source connector, reproduced on ConnectorHost.</summary>
public sealed class ExampleSourceConnector : ISourceConnector
{
    private readonly ILogger _logger;
    private readonly ExampleSync _sync;

    public ExampleSourceConnector(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _logger = context.LoggerFactory.CreateLogger("ExampleSource");
        _sync = new ExampleSync(_logger);
    }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken)
    {
        _logger.LogDebug("Fetching configuration form");
        return Task.FromResult(ExampleSourceForm.Build());
    }

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken)
    {
        var response = ConfigurationChecks.Run(request);
        if (response.HasSuccess)
        {
            _logger.LogInformation("Test {TestName} passed", request.Name);
        }
        else
        {
            _logger.LogWarning("Test {TestName} failed: {Failure}", request.Name, response.Failure);
        }

        return Task.FromResult(response);
    }

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ExampleSourceSchema.Build());

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) =>
        _sync.RunAsync(request, output, cancellationToken);
}
