namespace ConnectorHost.Testing.Hosting;

/// <summary>
/// The one shape of "a real host shared by a test class": a derived class names its <see cref="Config"/> and adds
/// xunit's IAsyncLifetime (whose InitializeAsync/DisposeAsync these methods implement).
/// </summary>
public abstract class HostFixture
{
    private HostProcess? _host;

    public HostProcess Host => _host ?? throw new InvalidOperationException("The host is not started.");

    protected abstract HostConfig Config { get; }

    public async Task InitializeAsync() => _host = await HostProcess.StartAsync(Config).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
