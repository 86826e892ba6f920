using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace TwoContractsPlugin;

/// <summary>Two public source implementations: the host cannot tell which one to serve.</summary>
public class FirstSource : ISourceConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => Task.FromResult(new TestResponse { Success = true });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaResponse { SchemaResponseNotSupported = true });

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class SecondSource : FirstSource
{
}
