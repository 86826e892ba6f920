using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Host;

/// <summary>
/// Process start → first successful ConfigurationForm on both the source and the destination port (both example
/// plugins loaded), then the resident set size once idle. Issue 2 targets: ≤ 250 ms, ≤ 80 MB.
/// Run: dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- host-startup [runs=10]
/// </summary>
public sealed class HostStartupScenario : IScenario
{
    public string Name => "host-startup";

    public string Description => "host start to first successful RPC on both ports, and idle RSS [runs=10]";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = ScenarioArguments.Number(args, 0, 10);
        var startTimes = new List<double>();
        var rssValues = new List<double>();
        Console.WriteLine($"host {RepoPaths.HostDll} ({RepoPaths.BuildConfiguration})");
        for (var run = 0; run <= runs; run++)
        {
            var config = new HostConfig
            {
                PluginsDirectory = RepoPaths.PluginsDirectory,
                SourcePlugin = "ExampleSource",
                DestinationPlugin = "ExampleDestination",
            };
            var stopwatch = Stopwatch.StartNew();
            await using var host = HostProcess.Launch(config);
            await FirstSuccessAsync(config.SourcePort, "/fivetran_sdk.v2.SourceConnector/ConfigurationForm");
            await FirstSuccessAsync(config.DestinationPort, "/fivetran_sdk.v2.DestinationConnector/ConfigurationForm");
            stopwatch.Stop();

            // Idle: let start-up work (tiered JIT, GC) settle before reading the resident set.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var rssMb = ResidentSetMegabytes(host.ProcessId);
            if (run == 0)
            {
                Console.WriteLine($"warm-up run (disk cache): {stopwatch.Elapsed.TotalMilliseconds:F0} ms, RSS {rssMb:F1} MB");
                continue;
            }

            startTimes.Add(stopwatch.Elapsed.TotalMilliseconds);
            rssValues.Add(rssMb);
            Console.WriteLine($"run {run}: first RPC on both ports after {stopwatch.Elapsed.TotalMilliseconds:F0} ms, idle RSS {rssMb:F1} MB");
        }

        startTimes.Sort();
        rssValues.Sort();
        Console.WriteLine($"host-startup: median {startTimes[startTimes.Count / 2]:F0} ms to first RPC (target ≤ 250), " +
                          $"median idle RSS {rssValues[rssValues.Count / 2]:F1} MB (target ≤ 80)");
        return 0;
    }

    private static async Task FirstSuccessAsync(int port, string path)
    {
        using var client = new GrpcTestClient(port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var result = await client.UnaryAsync(path, new ConfigurationFormRequest(), ConfigurationFormResponse.Parser);
                if (result.Status == StatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Not listening yet: poll again (a benchmark's polling loop, not a test's synchronisation).
                await Task.Delay(1);
            }
        }
    }

    private static double ResidentSetMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }
}
