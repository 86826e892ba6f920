using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ConnectorHost.Transport;

/// <summary>Kestrel settings for serving gRPC over cleartext HTTP/2 (prior knowledge).</summary>
public static class KestrelGrpcDefaults
{
    public static void ConfigureEndpoint(ListenOptions listen)
    {
        // HTTP/1.1 is accepted on the same port only so an HTTP/1.x client gets a clear 426 instead of a dropped
        // connection; Kestrel detects the HTTP/2 connection preface, so gRPC clients speak HTTP/2 directly.
        listen.Protocols = HttpProtocols.Http1AndHttp2;
    }

    public static void ConfigureServer(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        var limits = options.Limits;
        // Message sizes are enforced per message by the transport (128 MiB), a stream may carry far more.
        limits.MaxRequestBodySize = null;
        // Long-lived streams may be idle or slow; deadlines and cancellation are gRPC's business.
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        limits.Http2.MaxStreamsPerConnection = 1000;
        limits.Http2.MaxRequestHeaderFieldSize = 64 * 1024;
        limits.MaxRequestHeadersTotalSize = 64 * 1024;
    }
}
