using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Host;

/// <summary>
/// Sequential unary ConfigurationForm calls on one connection to the real host serving ExampleSource.
/// Issue 2 target: ≥ 10,000 calls/s. Run: dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- host-unary [calls=50000]
/// </summary>
public sealed class HostUnaryScenario : IScenario
{
    private const string ConfigurationForm = "/fivetran_sdk.v2.SourceConnector/ConfigurationForm";

    public string Name => "host-unary";

    public string Description => "sequential ConfigurationForm calls/s on one connection to the host [calls=50000]";

    public async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
        await using var host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource" });
        using var client = new GrpcTestClient(host.SourcePort);
        var request = new ConfigurationFormRequest();
        for (var i = 0; i < 5_000; i++)
        {
            (await client.UnaryAsync(ConfigurationForm, request, ConfigurationFormResponse.Parser)).ResponseOrThrow();
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            (await client.UnaryAsync(ConfigurationForm, request, ConfigurationFormResponse.Parser)).ResponseOrThrow();
        }

        stopwatch.Stop();
        Console.WriteLine($"host-unary: {calls:N0} ConfigurationForm calls in {stopwatch.Elapsed.TotalSeconds:F2} s = " +
                          $"{calls / stopwatch.Elapsed.TotalSeconds:N0} calls/s (target ≥ 10,000)");
        return 0;
    }
}
