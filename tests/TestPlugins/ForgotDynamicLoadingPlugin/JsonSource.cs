using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Newtonsoft.Json;

namespace ForgotDynamicLoadingPlugin;

/// <summary>A source that needs Newtonsoft.Json on its first call, which its build output does not carry.</summary>
public sealed class JsonSource : ISourceConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TestResponse { Failure = JsonConvert.SerializeObject(new { request.Name }) });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaResponse { SchemaResponseNotSupported = true });

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Task.CompletedTask;
}
