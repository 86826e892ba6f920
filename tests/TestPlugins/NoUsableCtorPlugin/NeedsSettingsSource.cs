using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace NoUsableCtorPlugin;

/// <summary>A source whose only constructor wants something the host cannot give it.</summary>
public sealed class NeedsSettingsSource(string settingsPath) : ISourceConnector
{
    public string SettingsPath { get; } = settingsPath;

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => throw new NotSupportedException();
}
