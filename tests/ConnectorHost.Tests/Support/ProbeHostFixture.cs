using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.Support;

/// <summary>
/// The one probe host: a real host serving ProbeSource and ProbeDestination (artifacts/test-plugins), started once
/// per test class or collection. Clients: <c>Host.SourceClient</c>, <c>Host.DestinationClient</c>, and per-port health and
/// reflection through <c>Host.SourcePortClients</c> / <c>Host.DestinationPortClients</c>.
/// </summary>
public sealed class ProbeHostFixture : HostFixture, IAsyncLifetime
{
    protected override HostConfig Config => new() { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" };

    /// <summary>Waits for a log line containing <paramref name="text"/> (a marker unique to the test).</summary>
    public Task<HostLogLine> LogContainingAsync(string text) =>
        Host.WaitForLogAsync(l => l.Message?.Contains(text, StringComparison.Ordinal) == true, what: $"a log line containing '{text}'");
}

/// <summary>The probe host shared by every test class of the collection (one start-up).</summary>
[CollectionDefinition(Name)]
public sealed class ProbeHostCollection : ICollectionFixture<ProbeHostFixture>
{
    public const string Name = "probe host";
}
