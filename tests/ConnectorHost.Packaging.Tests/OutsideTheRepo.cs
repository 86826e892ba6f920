using ConnectorHost.Testing.Hosting;
using ConnectorHost.Testing.Processes;
using Xunit;

namespace ConnectorHost.Packaging.Tests;

/// <summary>A temp folder outside the repository, and the dotnet/bash commands a user would type there.</summary>
internal sealed class OutsideTheRepo : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(6);

    public OutsideTheRepo(string name)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory($"connectorhost-{name}-").FullName;
        Assert.False(Directory.StartsWith(RepoPaths.Root, StringComparison.Ordinal), "the temp folder must not be inside the repository");
    }

    public string Directory { get; }

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>Runs a command in <paramref name="workingDirectory"/> (default: the temp folder); fails the test with its output when it fails.</summary>
    public async Task<string> RunAsync(string file, string[] arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = ChildProcess.Start(file, arguments);
        start.WorkingDirectory = workingDirectory ?? Directory;
        // A user's shell, not the test host's: no MSBuild state leaking from `dotnet test` into the child builds.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(variable);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var result = await ChildProcess.RunAsync(start, CommandTimeout);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed in {start.WorkingDirectory}:\n{result.Output}\n{result.StandardError}");
        return result.Output;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is the OS's to clean.
        }
    }
}
