using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.ExampleSource;

/// <summary>One real host serving the built ExampleSource plugin (artifacts/plugins), shared by a test class.</summary>
public sealed class ExampleSourceHostFixture : HostFixture, IAsyncLifetime
{
    protected override HostConfig Config => new() { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource" };
}
