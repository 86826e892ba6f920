using System.Diagnostics;
using System.Net.Http;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using ConnectorHost.Transport;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Hosting;

/// <summary>
/// Starts the real host (both example plugins) as a process and measures the time from Process.Start to the first
/// successful ConfigurationForm on each side, then the resident memory once idle.
/// </summary>
public sealed class StartupScenario : IScenario
{
    public string Name => "host-startup";

    public string Description => "host process start → first successful RPC on both sides, and idle RSS [runs=10]";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 10;
        foreach (var plugin in new[] { "ExampleSource", "ExampleDestination" })
        {
            if (!File.Exists(Path.Combine(RepoPaths.PluginsDirectory, plugin, plugin + ".dll")))
            {
                Console.Error.WriteLine($"{plugin} is not built in {RepoPaths.PluginsDirectory}: run `dotnet build` of the solution first.");
                return 1;
            }
        }

        var startTimes = new List<double>();
        var rssValues = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var (startMs, rssMb) = await MeasureOnceAsync();
            if (run == 0)
            {
                continue; // warm-up: first run pays for cold disk caches
            }

            startTimes.Add(startMs);
            rssValues.Add(rssMb);
            Console.WriteLine($"run {run}: first RPC on both sides after {startMs:F0} ms, idle RSS {rssMb:F1} MB");
        }

        startTimes.Sort();
        rssValues.Sort();
        Console.WriteLine($"host-startup: {runs} runs, start→first RPC median {startTimes[runs / 2]:F0} ms (min {startTimes[0]:F0}, max {startTimes[^1]:F0}); " +
                          $"idle RSS median {rssValues[runs / 2]:F1} MB (max {rssValues[^1]:F1})");
        return 0;
    }

    private static async Task<(double StartMs, double RssMb)> MeasureOnceAsync()
    {
        var config = new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource", DestinationPlugin = "ExampleDestination" };
        var stopwatch = Stopwatch.StartNew();
        await using var host = HostProcess.Launch(config);
        await FirstSuccessAsync(host, config.SourcePort, "/fivetran_sdk.v2.SourceConnector/ConfigurationForm");
        await FirstSuccessAsync(host, config.DestinationPort, "/fivetran_sdk.v2.DestinationConnector/ConfigurationForm");
        var startMs = stopwatch.Elapsed.TotalMilliseconds;

        // Idle: let start-up garbage settle the way it would between Fivetran's calls.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssMb = ResidentMegabytes(host.ProcessId);
        await host.StopAsync();
        return (startMs, rssMb);
    }

    private static async Task FirstSuccessAsync(HostProcess host, int port, string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException("The host exited:\n" + string.Join('\n', host.Logs));
            }

            try
            {
                using var client = new GrpcTestClient(port);
                var result = await client.UnaryAsync(path, new ConfigurationFormRequest(), ConfigurationFormResponse.Parser);
                if (result.Status == StatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"No answer on port {port} within 30 s.");
            }

            await Task.Delay(2);
        }
    }

    private static double ResidentMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
            }
        }

        return double.NaN;
    }
}
