using System.Runtime.Loader;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Newtonsoft.Json;

namespace IsolationDestinationB;

/// <summary>
/// Reports, in its Test answer, the Newtonsoft.Json (built against 12.0.3) and Microsoft.Extensions.Primitives
/// (built against 6.0.0; the host's is 10.x) it actually runs with.
/// </summary>
public sealed class IsolationDestinationB : IDestinationConnector
{

    public IsolationDestinationB(PluginContext context) =>
        context.LoggerFactory.CreateLogger("IsolationDestinationB").LogInformation(
            "IsolationDestinationB sees Newtonsoft.Json {Newtonsoft} from {NewtonsoftFolder}, Microsoft.Extensions.Primitives {Primitives} from {PrimitivesFolder}", typeof(JsonConvert).Assembly.GetName().Version, FolderOf(typeof(JsonConvert)), typeof(StringValues).Assembly.GetName().Version, FolderOf(typeof(StringValues)));

    // Where a dependency came from: this plugin's own load context (its folder, whether the host loaded the file or read
    // it into memory for hot reload), or the host's.
    private static string FolderOf(Type type) =>
        AssemblyLoadContext.GetLoadContext(type.Assembly) == AssemblyLoadContext.GetLoadContext(typeof(IsolationDestinationB).Assembly) ? "IsolationDestinationB" : "the host";

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) => Task.FromResult(new CapabilitiesResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TestResponse { Failure = JsonConvert.SerializeObject(new
        {
            newtonsoft = typeof(JsonConvert).Assembly.GetName().Version!.ToString(),
            newtonsoftFile = FolderOf(typeof(JsonConvert)),
            primitives = typeof(StringValues).Assembly.GetName().Version!.ToString(),
            primitivesFile = FolderOf(typeof(StringValues)),
        }) });

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => Task.FromResult(new DescribeTableResponse { NotFound = true });

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => Task.FromResult(new CreateTableResponse { Success = true });

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) => Task.FromResult(new AlterTableResponse { Success = true });

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) => Task.FromResult(new TruncateResponse { Success = true });

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) => Task.FromResult(new WriteBatchResponse { Success = true });

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) => Task.FromResult(new WriteBatchResponse { Success = true });

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) => Task.FromResult(new MigrateResponse { Unsupported = true });
}
