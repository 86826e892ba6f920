using System.Net;
using ConnectorHost.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConnectorHost.Testing.Grpc;

/// <summary>Kestrel on a free loopback port serving one registry through the transport, and a client for it.</summary>
public sealed class InProcessGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessGrpcServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Client = new GrpcTestClient(port);
    }

    public int Port { get; }

    public GrpcTestClient Client { get; }

    public static async Task<InProcessGrpcServer> StartAsync(GrpcServiceRegistry registry, GrpcTransportOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            KestrelGrpcDefaults.ConfigureServer(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, KestrelGrpcDefaults.ConfigureEndpoint);
        });
        var app = builder.Build();
        var handler = new GrpcRequestHandler(registry, options ?? new GrpcTransportOptions(), NullLogger.Instance);
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new InProcessGrpcServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
