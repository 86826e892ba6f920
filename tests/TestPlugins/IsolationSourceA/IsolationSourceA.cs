using System.Runtime.Loader;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace IsolationSourceA;

/// <summary>Reports, in its Test answer, the Newtonsoft.Json it actually runs with (built against 13.0.3).</summary>
public sealed class IsolationSourceA : ISourceConnector
{

    public IsolationSourceA(PluginContext context) =>
        context.LoggerFactory.CreateLogger("IsolationSourceA").LogInformation(
            "IsolationSourceA sees Newtonsoft.Json {Newtonsoft} from {NewtonsoftFolder}", typeof(JsonConvert).Assembly.GetName().Version, FolderOf(typeof(JsonConvert)));

    // Where a dependency came from: this plugin's own load context (its folder, whether the host loaded the file or read
    // it into memory for hot reload), or the host's.
    private static string FolderOf(Type type) =>
        AssemblyLoadContext.GetLoadContext(type.Assembly) == AssemblyLoadContext.GetLoadContext(typeof(IsolationSourceA).Assembly) ? "IsolationSourceA" : "the host";

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TestResponse { Failure = JsonConvert.SerializeObject(new
        {
            newtonsoft = typeof(JsonConvert).Assembly.GetName().Version!.ToString(),
            newtonsoftFile = FolderOf(typeof(JsonConvert)),
        }) });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaResponse { SchemaResponseNotSupported = true });

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Task.CompletedTask;
}
