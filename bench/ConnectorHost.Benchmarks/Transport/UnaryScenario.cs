using System.Diagnostics;
using System.Net;
using ConnectorHost.Transport;
using FivetranSdk.V2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            KestrelGrpcDefaults.ConfigureServer(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, KestrelGrpcDefaults.ConfigureEndpoint);
        });
        await using var server = builder.Build();
        server.Run(new GrpcRequestHandler(registry, new GrpcTransportOptions(), NullLogger.Instance).HandleAsync);
        await server.StartAsync();
        var port = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        await using var client = await H2cUnaryClient.ConnectAsync(port);
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
