using ConnectorHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Serving;

/// <summary>
/// The listening ports: one WebApplication (empty builder: nothing the host does not use; one DI container, one
/// Kestrel) with a cleartext HTTP/2, IPv4 and IPv6 any-address listener per <see cref="ServedPort"/>, serving the
/// contracts with Grpc.AspNetCore plus reflection (v1, v1alpha) and health. Each port answers only for its own
/// contracts: a call for a contract served on another port is UNIMPLEMENTED, as if the contract did not exist, and
/// reflection and health there know only that port's contracts. Nothing here knows a plugin.
/// </summary>
public sealed class PortServer : IAsyncDisposable
{
    private readonly Func<WebApplication> _build;
    private WebApplication? _app;

    private PortServer(Func<WebApplication> build, IReadOnlyList<ServedPort> ports)
    {
        _build = build;
        Ports = ports;
    }

    /// <summary>Each port, in the order given to <see cref="Create(IReadOnlyList{ServedPort}, HostLifecycle, ILoggerFactory, TimeSpan)"/>.</summary>
    public IReadOnlyList<ServedPort> Ports { get; }

    /// <summary>The first port's bound port (the only one of a single-port server); valid after start.</summary>
    public int BoundPort => Ports[0].BoundPort;

    /// <summary>A server for one port; the application is built when it starts (so off the caller's thread).</summary>
    public static PortServer Create(int port, IReadOnlyList<ServedContract> contracts, HostLifecycle lifecycle,
        ILoggerFactory loggerFactory, TimeSpan shutdownTimeout) =>
        Create([new ServedPort(port, contracts)], lifecycle, loggerFactory, shutdownTimeout);

    /// <summary>
    /// A server for several ports, each with its contracts (a contract on one port only); the application is built when
    /// it starts (so off the caller's thread).
    /// </summary>
    public static PortServer Create(IReadOnlyList<ServedPort> ports, HostLifecycle lifecycle, ILoggerFactory loggerFactory, TimeSpan shutdownTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ports.Count);
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in ports)
        {
            foreach (var contract in port.Contracts)
            {
                if (!served.Add(contract.ServiceName))
                {
                    throw new ArgumentException($"{contract.ServiceName} is served more than once; a contract is served on one port.", nameof(ports));
                }
            }
        }

        return new PortServer(() => Build(ports, lifecycle, loggerFactory, shutdownTimeout), ports);
    }

    private static WebApplication Build(IReadOnlyList<ServedPort> ports, HostLifecycle lifecycle, ILoggerFactory loggerFactory, TimeSpan shutdownTimeout)
    {
        foreach (var port in ports)
        {
            port.FollowLifecycle(lifecycle);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            ConfigureKestrel(kestrel);
            foreach (var port in ports)
            {
                kestrel.ListenAnyIP(port.RequestedPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    // Every call on this listener's connections finds its port among its features (a call's features
                    // fall back to its connection's): what the port serves is decided per call from it.
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(port);
                        return next(connection);
                    });
                    port.Listener = listen;
                });
            }
        });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, BoundedBlockMemoryPoolFactory>();
        // The host handles SIGTERM/SIGINT itself (one drain for every port), not the application.
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
        builder.Services.AddSingleton<PortHealthService>();
        builder.Services.AddSingleton<PortReflectionV1Service>();
        builder.Services.AddSingleton<PortReflectionV1AlphaService>();
        if (ports.Count > 1)
        {
            // One port needs no filtering: it serves every mapped contract.
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ServedPortMatcherPolicy>());
        }

        foreach (var contract in ports.SelectMany(p => p.Contracts))
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
        foreach (var contract in ports.SelectMany(p => p.Contracts))
        {
            contract.Map(app);
        }

        app.MapGrpcService<PortReflectionV1Service>();
        app.MapGrpcService<PortReflectionV1AlphaService>();
        app.MapGrpcService<PortHealthService>();
        return app;
    }

    /// <summary>Builds the application and binds every port (all or none: a port that cannot be bound fails the start).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _app = _build();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var port in Ports)
        {
            // Kestrel writes the endpoint it bound back into the listener's options (the free port for port 0).
            port.BoundPort = port.Listener!.IPEndPoint!.Port;
        }
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
