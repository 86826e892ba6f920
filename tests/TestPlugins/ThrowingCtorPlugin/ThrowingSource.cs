using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace ThrowingCtorPlugin;

/// <summary>A source whose constructor fails, as one reading a missing setting at start-up would.</summary>
public sealed class ThrowingSource : ISourceConnector
{
    public ThrowingSource(PluginContext context) =>
        throw new InvalidOperationException($"probe constructor failure in {context.PluginName}");

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => throw new NotSupportedException();
}
