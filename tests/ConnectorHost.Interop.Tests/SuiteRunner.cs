using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ConnectorHost.Interop.Tests;

public enum InteropClient
{
    /// <summary>Python grpcio (gRPC C-core), tests/interop/python.</summary>
    PythonGrpcio,

    /// <summary>Node @grpc/grpc-js with @grpc/proto-loader, tests/interop/node.</summary>
    NodeGrpcJs,
}

public sealed record CaseResult(bool Passed, string Detail);

/// <summary>One run of a client suite: its per-case results, output and how many plugin cancellations the probe host logged meanwhile.</summary>
public sealed record SuiteRun(InteropClient Client, string ClientVersion, IReadOnlyDictionary<string, CaseResult> Cases, int ExitCode, string Output, int ProbeCancellationsLogged);

/// <summary>Runs a client suite as a child process against the fixture's hosts and reads its JSON result.</summary>
public static class SuiteRunner
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(5);

    public static async Task<SuiteRun> RunAsync(InteropClient client, InteropHosts hosts)
    {
        // Kept after the run: artifacts/interop/<client>.json is what the README's conformance table is made from.
        var resultDirectory = Directory.CreateDirectory(Path.Combine(Testing.Hosting.RepoPaths.Root, "artifacts", "interop")).FullName;
        var resultPath = Path.Combine(resultDirectory, $"{client}.json");
        File.Delete(resultPath);
        var cancellationsBefore = CancellationLines(hosts);
        var start = client switch
        {
            InteropClient.PythonGrpcio => new ProcessStartInfo(InteropPrerequisites.Python)
            {
                ArgumentList = { Path.Combine(InteropPrerequisites.InteropDirectory, "python", "interop_suite.py") },
                WorkingDirectory = Path.Combine(InteropPrerequisites.InteropDirectory, "python"),
            },
            _ => new ProcessStartInfo("node")
            {
                ArgumentList = { "--test", "--test-reporter=spec", "interop.test.js" },
                WorkingDirectory = Path.Combine(InteropPrerequisites.InteropDirectory, "node"),
            },
        };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["INTEROP_SOURCE"] = $"127.0.0.1:{hosts.Example.SourcePort}";
        start.Environment["INTEROP_DESTINATION"] = $"127.0.0.1:{hosts.Example.DestinationPort}";
        start.Environment["INTEROP_PROBE_SOURCE"] = $"127.0.0.1:{hosts.Probe.SourcePort}";
        start.Environment["INTEROP_PROTOS"] = Path.Combine(Testing.Hosting.RepoPaths.Root, "protos");
        start.Environment["INTEROP_RESULT"] = resultPath;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (var timeout = new CancellationTokenSource(SuiteTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The {client} suite did not finish within {SuiteTimeout}. Output:\n{Snapshot(output)}");
            }
        }

        if (!File.Exists(resultPath))
        {
            throw new InvalidOperationException($"The {client} suite wrote no result (exit {process.ExitCode}). Output:\n{Snapshot(output)}");
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(resultPath));
        var cases = document.RootElement.GetProperty("cases").EnumerateObject().ToDictionary(
            c => c.Name,
            c => new CaseResult(c.Value.GetProperty("passed").GetBoolean(), c.Value.GetProperty("detail").GetString() ?? ""));

        // The deadline and cancellation cases each end a slow probe stream: the plugin logs each cancellation it sees.
        var expected = cancellationsBefore + 2;
        var cancellations = CancellationLines(hosts);
        if (cancellations < expected)
        {
            try
            {
                await hosts.Probe.WaitForLogAsync(_ => CancellationLines(hosts) >= expected, TimeSpan.FromSeconds(10), "the probe to log its cancellations");
            }
            catch (TimeoutException)
            {
                // Reported by the cancellation case's assertion.
            }

            cancellations = CancellationLines(hosts);
        }

        return new SuiteRun(client, document.RootElement.GetProperty("client").GetString() ?? client.ToString(), cases, process.ExitCode,
            Snapshot(output), cancellations - cancellationsBefore);
    }

    private static int CancellationLines(InteropHosts hosts) => hosts.Probe.Logs.Count(l => l.Message == "update cancelled");

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
