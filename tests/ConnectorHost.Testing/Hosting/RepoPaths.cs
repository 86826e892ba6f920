namespace ConnectorHost.Testing.Hosting;

/// <summary>Where things are in the repository, found by walking up from the running assembly to ConnectorHost.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration (Debug/Release) the running tests were built in.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built host, same configuration as the tests (the tests' project references build it).</summary>
    public static string HostDll
    {
        get
        {
            // CONNECTORHOST_HOST_DLL points benchmarks at another build of the host, e.g. the ReadyToRun one run.sh publishes.
            var path = Environment.GetEnvironmentVariable("CONNECTORHOST_HOST_DLL") is { Length: > 0 } overridden
                ? overridden
                : Path.Combine(Root, "host", "bin", BuildConfiguration, "net10.0", "ConnectorHost.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The host is not built: {path}. Run dotnet build first.");
        }
    }

    public static string TestPluginsDirectory => Path.Combine(Root, "artifacts", "test-plugins");

    public static string PluginsDirectory => Path.Combine(Root, "artifacts", "plugins");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConnectorHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ConnectorHost.sln above {AppContext.BaseDirectory}.");
    }
}
