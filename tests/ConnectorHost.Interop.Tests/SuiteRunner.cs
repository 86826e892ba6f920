using System.Text.Json;
using ConnectorHost.Testing.Hosting;
using ConnectorHost.Testing.Processes;

namespace ConnectorHost.Interop.Tests;

public enum InteropClient
{
    /// <summary>Python grpcio (gRPC C-core), tests/interop/python.</summary>
    PythonGrpcio,

    /// <summary>Node @grpc/grpc-js with @grpc/proto-loader, tests/interop/node.</summary>
    NodeGrpcJs,
}

public sealed record CaseResult(bool Passed, string Detail);

/// <summary>
/// One run of a client suite: its per-case results, output, and the slow-stream cases (deadline, cancel) whose
/// cancellation the probe plugin logged for this very run.
/// </summary>
public sealed record SuiteRun(InteropClient Client, string ClientVersion, IReadOnlyDictionary<string, CaseResult> Cases, int ExitCode, string Output,
    IReadOnlySet<string> CancelledCases);

/// <summary>Runs a client suite as a child process against the fixture's hosts and reads its JSON result.</summary>
public static class SuiteRunner
{
    /// <summary>The cases that end a slow probe stream; the probe logs "update cancelled for &lt;run&gt;/&lt;case&gt;" for each.</summary>
    public static readonly string[] CancellingCases = ["deadline_exceeded_on_slow_stream", "cancel_mid_stream"];

    /// <summary>Set it to a folder to keep the results (e.g. for tests/interop/conformance-table.py); otherwise they stay in a temp folder.</summary>
    public const string ResultsDirectoryVariable = "CONNECTORHOST_INTEROP_RESULTS";

    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(5);

    public static async Task<SuiteRun> RunAsync(InteropClient client, InteropHosts hosts)
    {
        // Results go to a folder of this run, never into the checkout: concurrent runs cannot overwrite each other.
        var resultDirectory = Directory.CreateTempSubdirectory("connectorhost-interop-").FullName;
        var resultPath = Path.Combine(resultDirectory, $"{client}.json");
        var run = $"{client}-{Guid.NewGuid():N}";
        var start = client switch
        {
            InteropClient.PythonGrpcio => ChildProcess.Start(InteropPrerequisites.Python, Path.Combine(InteropPrerequisites.InteropDirectory, "python", "interop_suite.py")),
            _ => ChildProcess.Start("node", "--test", "--test-reporter=spec", "interop.test.js"),
        };
        start.WorkingDirectory = Path.Combine(InteropPrerequisites.InteropDirectory, client == InteropClient.PythonGrpcio ? "python" : "node");
        start.Environment["INTEROP_SOURCE"] = $"127.0.0.1:{hosts.Example.SourcePort}";
        start.Environment["INTEROP_DESTINATION"] = $"127.0.0.1:{hosts.Example.DestinationPort}";
        start.Environment["INTEROP_PROBE_SOURCE"] = $"127.0.0.1:{hosts.Probe.SourcePort}";
        start.Environment["INTEROP_PROTOS"] = Path.Combine(RepoPaths.Root, "protos");
        start.Environment["INTEROP_RESULT"] = resultPath;
        start.Environment["INTEROP_RUN"] = run;
        // Python must not leave __pycache__ folders in the checkout.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        try
        {
            var result = await ChildProcess.RunAsync(start, SuiteTimeout);
            if (!File.Exists(resultPath))
            {
                throw new InvalidOperationException($"The {client} suite wrote no result (exit {result.ExitCode}). Output:\n{result.Output}");
            }

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(resultPath));
            var cases = document.RootElement.GetProperty("cases").EnumerateObject().ToDictionary(
                c => c.Name,
                c => new CaseResult(c.Value.GetProperty("passed").GetBoolean(), c.Value.GetProperty("detail").GetString() ?? ""));
            KeepResult(resultPath);
            return new SuiteRun(client, document.RootElement.GetProperty("client").GetString() ?? client.ToString(), cases, result.ExitCode,
                result.Output, await CancelledCasesAsync(hosts.Probe, run));
        }
        finally
        {
            Directory.Delete(resultDirectory, recursive: true);
        }
    }

    // The plugin logs a cancellation when its token fires, which can be just after the client saw its status: wait
    // (on the log, bounded) for this run's lines, then report the cases that have one.
    private static async Task<IReadOnlySet<string>> CancelledCasesAsync(HostProcess probe, string run)
    {
        var expected = CancellingCases.Select(name => $"update cancelled for {run}/{name}").ToList();
        try
        {
            await probe.WaitForLogAsync(_ => expected.All(line => probe.Logs.Any(l => l.Message == line)), TimeSpan.FromSeconds(10),
                $"the probe's cancellation lines of run {run}");
        }
        catch (TimeoutException)
        {
            // Reported per case by the test's assertion.
        }

        return CancellingCases.Where(name => probe.Logs.Any(l => l.Message == $"update cancelled for {run}/{name}")).ToHashSet();
    }

    private static void KeepResult(string resultPath)
    {
        if (Environment.GetEnvironmentVariable(ResultsDirectoryVariable) is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(resultPath, Path.Combine(keep, Path.GetFileName(resultPath)), overwrite: true);
        }
    }
}
