using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ConnectorHost.Transport;

/// <summary>Kestrel settings gRPC needs: cleartext HTTP/2 with prior knowledge, no body limits, wide flow control.</summary>
public static class KestrelGrpcDefaults
{
    public static void ConfigureServer(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        // Message sizes are enforced per message by the transport (128 MiB), not per request body.
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

    public static void ConfigureEndpoint(ListenOptions listen) => listen.Protocols = HttpProtocols.Http2;
}
