using System.Diagnostics;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Transport;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Transport;

/// <summary>Sequential unary calls on one connection against the bare transport (no plugin).</summary>
public sealed class UnaryScenario : IScenario
{
    public string Name => "transport-unary";

    public string Description => "sequential unary calls/s over one HTTP/2 connection, transport only [calls=50000]";

    public async Task<int> RunAsync(string[] args)
    {
        var calls = ScenarioArguments.Number(args, 0, 50_000);
        var registry = new GrpcServiceRegistry();
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        registry.AddUnary<ConfigurationFormRequest, ConfigurationFormResponse>("bench.Service", "Form",
            ConfigurationFormRequest.Parser, (_, _) => Task.FromResult(form));

        await using var server = await InProcessGrpcServer.StartAsync(registry);
        await using var client = await H2cUnaryClient.ConnectAsync(server.Port);
        var request = new ConfigurationFormRequest();
        for (var i = 0; i < 2_000; i++)
        {
            await client.UnaryAsync("/bench.Service/Form", request, ConfigurationFormResponse.Parser);
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await client.UnaryAsync("/bench.Service/Form", request, ConfigurationFormResponse.Parser);
        }

        stopwatch.Stop();
        Console.WriteLine($"transport-unary: {calls} calls in {stopwatch.Elapsed.TotalSeconds:F2} s = {calls / stopwatch.Elapsed.TotalSeconds:N0} calls/s");
        return 0;
    }
}
