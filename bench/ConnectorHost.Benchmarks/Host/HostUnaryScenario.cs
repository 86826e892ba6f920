using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Benchmarks.Transport;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Host;

/// <summary>
/// Sequential unary ConfigurationForm calls on one connection to the real host serving ExampleSource.
/// Issue 2 target: ≥ 10,000 calls/s. Run: dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- host-unary [calls=50000] [--httpclient]
/// The client is <see cref="H2cUnaryClient"/> (HTTP/2 on a socket); --httpclient uses Grpc.Net.Client (HttpClient)
/// instead, whose own CPU cost on this 2-core machine is larger than the host's.
/// </summary>
public sealed class HostUnaryScenario : IScenario
{
    private const string ConfigurationForm = "/fivetran_sdk.v2.SourceConnector/ConfigurationForm";

    public string Name => "host-unary";

    public string Description => "sequential ConfigurationForm calls/s on one connection to the host [calls=50000] [--httpclient]";

    public async Task<int> RunAsync(string[] args)
    {
        var calls = ScenarioArguments.Number(args, 0, 50_000);
        var useHttpClient = ScenarioArguments.Flag(args, "--httpclient");
        await using var host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource" });
        var request = new ConfigurationFormRequest();
        using var httpClient = useHttpClient ? new HostClient(host.SourcePort) : null;
        await using var socketClient = useHttpClient ? null : await H2cUnaryClient.ConnectAsync(host.SourcePort);
        Func<Task<ConfigurationFormResponse>> call = httpClient is not null
            ? () => httpClient.Source.ConfigurationFormAsync(request).ResponseAsync
            : () => socketClient!.UnaryAsync(ConfigurationForm, request, ConfigurationFormResponse.Parser);
        if ((await call()).Fields.Count == 0)
        {
            Console.Error.WriteLine("ConfigurationForm returned no fields");
            return 1;
        }

        for (var i = 0; i < 5_000; i++)
        {
            await call();
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await call();
        }

        stopwatch.Stop();
        Console.WriteLine($"host-unary ({(useHttpClient ? "HttpClient" : "socket HTTP/2 client")}): {calls:N0} ConfigurationForm calls in {stopwatch.Elapsed.TotalSeconds:F2} s = " +
                          $"{calls / stopwatch.Elapsed.TotalSeconds:N0} calls/s (target ≥ 10,000)");
        return 0;
    }
}
