using ConnectorHost.Testing.Hosting;

namespace ConnectorHost.Interop.Tests;

/// <summary>
/// The two hosts the client suites talk to: one serving the example plugins (contract cases) and one serving the
/// probe source (error, large-response, slow-stream cases). Each client suite runs once, on first use.
/// </summary>
public sealed class InteropHosts : IAsyncLifetime
{
    private readonly Dictionary<InteropClient, Lazy<Task<SuiteRun>>> _runs = new();

    public HostProcess Example { get; private set; } = null!;

    public HostProcess Probe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        InteropPrerequisites.EnsureInstalled();
        Example = await HostProcess.StartAsync(new HostConfig
        {
            PluginsDirectory = RepoPaths.PluginsDirectory,
            SourcePlugin = "ExampleSource",
            DestinationPlugin = "ExampleDestination",
        });
        Probe = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource" });
        foreach (var client in Enum.GetValues<InteropClient>())
        {
            _runs[client] = new Lazy<Task<SuiteRun>>(() => SuiteRunner.RunAsync(client, this));
        }
    }

    public Task<SuiteRun> RunAsync(InteropClient client) => _runs[client].Value;

    public async Task DisposeAsync()
    {
        if (Example is not null)
        {
            await Example.DisposeAsync();
        }

        if (Probe is not null)
        {
            await Probe.DisposeAsync();
        }
    }
}
