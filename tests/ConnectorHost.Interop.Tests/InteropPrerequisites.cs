using ConnectorHost.Testing.Hosting;
using ConnectorHost.Testing.Processes;

namespace ConnectorHost.Interop.Tests;

/// <summary>Fails loudly (never skips) when the real clients are not installed.</summary>
public static class InteropPrerequisites
{
    public const string Python = "/usr/bin/python3";
    private const string Fix = "Run `bash tests/interop/install-prerequisites.sh` (as root) first.";

    public static string InteropDirectory => Path.Combine(RepoPaths.Root, "tests", "interop");

    public static void EnsureInstalled()
    {
        var problems = new List<string>();
        if (!File.Exists(Python))
        {
            problems.Add($"{Python} is missing.");
        }
        else if (Run(Python, "-c", "import grpc, google.protobuf") is { } pythonError)
        {
            problems.Add($"{Python} cannot import grpc (Debian python3-grpcio / python3-protobuf): {pythonError}");
        }

        if (Run("protoc", "--version") is { } protocError)
        {
            problems.Add($"protoc is not runnable (Debian protobuf-compiler): {protocError}");
        }

        foreach (var module in new[] { "@grpc/grpc-js", "@grpc/proto-loader", "@bufbuild/buf" })
        {
            if (!Directory.Exists(Path.Combine(InteropDirectory, "node", "node_modules", module)))
            {
                problems.Add($"tests/interop/node/node_modules/{module} is missing (npm ci).");
            }
        }

        if (Run("node", "--version") is { } nodeError)
        {
            problems.Add($"node is not runnable: {nodeError}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Interop prerequisites are missing. {Fix}\n- {string.Join("\n- ", problems)}");
        }
    }

    /// <summary>Runs a short command; null when it exits 0, otherwise what went wrong.</summary>
    private static string? Run(string file, params string[] args)
    {
        try
        {
            var result = ChildProcess.RunAsync(ChildProcess.Start(file, args), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return result.ExitCode == 0 ? null : $"exit {result.ExitCode}: {result.StandardError.Trim()}";
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return e.Message;
        }
    }
}
