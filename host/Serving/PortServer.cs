using System.Net;
using ConnectorHost.Hosting;
using Grpc.Health.V1;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Serving;

/// <summary>
/// One listening port: a WebApplication (empty builder: nothing the host does not use) with Kestrel on cleartext
/// HTTP/2, IPv4 and IPv6 any-address, serving its contracts with Grpc.AspNetCore plus reflection (v1, v1alpha) and
/// health that know only this port's contracts. Nothing here knows a plugin.
/// </summary>
public sealed class PortServer : IAsyncDisposable
{
    private readonly Func<WebApplication> _build;
    private WebApplication? _app;

    private PortServer(Func<WebApplication> build, int requestedPort, IReadOnlyList<ServedContract> contracts)
    {
        _build = build;
        RequestedPort = requestedPort;
        Contracts = contracts;
    }

    public int RequestedPort { get; }

    public IReadOnlyList<ServedContract> Contracts { get; }

    /// <summary>The port Kestrel bound (differs from <see cref="RequestedPort"/> when that is 0); valid after start.</summary>
    public int BoundPort { get; private set; }

    /// <summary>A server for <paramref name="port"/>; the application is built when it starts (so off the caller's thread).</summary>
    public static PortServer Create(int port, IReadOnlyList<ServedContract> contracts, HostLifecycle lifecycle,
        ILoggerFactory loggerFactory, TimeSpan shutdownTimeout) =>
        new(() => Build(port, contracts, lifecycle, loggerFactory, shutdownTimeout), port, contracts);

    private static WebApplication Build(int port, IReadOnlyList<ServedContract> contracts, HostLifecycle lifecycle,
        ILoggerFactory loggerFactory, TimeSpan shutdownTimeout)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            ConfigureKestrel(kestrel);
            kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, BoundedBlockMemoryPoolFactory>();
        // The host handles SIGTERM/SIGINT itself (one drain for every port), not each application.
        builder.Services.AddSingleton<IHostLifetime, ExternallyControlledLifetime>();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = GrpcHeaders.MaxMessageSize;
            options.MaxSendMessageSize = GrpcHeaders.MaxMessageSize;
            // Per call, responses are compressed only when the request was (see StrictServiceMethodProvider).
            options.ResponseCompressionAlgorithm = GrpcHeaders.Gzip;
            options.EnableDetailedErrors = false;
        });

        var descriptors = contracts.Select(c => c.Descriptor).Append(Health.Descriptor).ToList();
        var reflected = descriptors.Append(Grpc.Reflection.V1.ServerReflection.Descriptor)
            .Append(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor).ToList();
        // Registered before AddGrpcReflection so its own (every endpoint of the process) does not apply.
        builder.Services.AddSingleton(new ReflectionServiceImpl(reflected));
        builder.Services.AddSingleton(new ReflectionV1ServiceImpl(reflected));
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton(new PortHealth(reflected.Select(d => d.FullName).ToList(), lifecycle));
        foreach (var contract in contracts)
        {
            contract.Register(builder.Services);
        }

        var app = builder.Build();
        // gRPC is POST only; Grpc.AspNetCore would answer another method with 415 (content type) instead of 405.
        app.Use((context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return Task.CompletedTask;
        });
        foreach (var contract in contracts)
        {
            contract.Map(app);
        }

        app.MapGrpcReflectionService();
        app.MapGrpcService<PortHealth>();
        return app;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _app = _build();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BoundPort = BindingAddress.Parse(address).Port;
    }

    /// <summary>Stops accepting calls and waits for in-flight ones; past the host's shutdown timeout, connections are cut.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Kestrel settings gRPC needs: no request body limits (messages are limited per message), wide flow control.</summary>
    public static void ConfigureKestrel(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        options.Limits.MaxRequestBodySize = null;
        options.Limits.MinRequestBodyDataRate = null;
        options.Limits.MinResponseDataRate = null;
        options.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
        options.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        options.Limits.Http2.MaxFrameSize = 1024 * 1024;
        options.Limits.Http2.MaxStreamsPerConnection = 1000;
        options.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        options.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    }

    private sealed class ExternallyControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
