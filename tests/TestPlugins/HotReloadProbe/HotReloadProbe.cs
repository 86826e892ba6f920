using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace HotReloadProbe;

/// <summary>
/// A source whose Test answer names the build it was compiled as (BUILD_V2 or not), so a test can see which build a call
/// reached; it logs its disposal, so a test can see when the host retired it. The BROKEN_BUILD variant fails in its
/// constructor, as a rebuild with a bad change would.
/// </summary>
public sealed class HotReloadProbe : ISourceConnector, IAsyncDisposable
{
#if BUILD_V2
    public const string Build = "build 2";
#elif BROKEN_BUILD
    public const string Build = "broken build";
#else
    public const string Build = "build 1";
#endif

    private readonly ILogger _logger;

    public HotReloadProbe(PluginContext context)
    {
#if BROKEN_BUILD
        throw new InvalidOperationException("HotReloadProbe broken build cannot start");
#else
        _logger = context.LoggerFactory.CreateLogger("HotReloadProbe");
#endif
    }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TestResponse { Failure = Build });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SchemaResponse { SchemaResponseNotSupported = true });

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _logger.LogInformation("HotReloadProbe {Build} disposed", Build);
        return ValueTask.CompletedTask;
    }
}
