using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Newtonsoft.Json;

namespace IsolationSourceA;

/// <summary>Reports, in its Test answer, the Newtonsoft.Json it actually runs with (built against 13.0.3).</summary>
public sealed class IsolationSourceA : ISourceConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TestResponse { Failure = JsonConvert.SerializeObject(new
        {
            newtonsoft = typeof(JsonConvert).Assembly.GetName().Version!.ToString(),
            newtonsoftFile = Path.GetFileName(Path.GetDirectoryName(typeof(JsonConvert).Assembly.Location)),
        }) });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaResponse { SchemaResponseNotSupported = true });

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Task.CompletedTask;
}
