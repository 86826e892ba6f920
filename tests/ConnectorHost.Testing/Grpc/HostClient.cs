using System.Net;
using FivetranSdk.V2;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// Typed clients for one port of a running host, over one cleartext HTTP/2 (h2c) <see cref="GrpcChannel"/> with the
/// host's 128 MiB message limits both ways. Dispose closes the channel.
/// </summary>
public sealed class HostClient : IDisposable
{
    /// <summary>The largest message the host accepts or sends (its documented limit), so the client never cuts first.</summary>
    public const int MaxMessageBytes = 128 * 1024 * 1024;

    public HostClient(int port, string host = "127.0.0.1", bool acceptGzip = true)
    {
        Channel = CreateChannel(port, host, acceptGzip);
        Source = new SourceConnector.SourceConnectorClient(Channel);
        Destination = new DestinationConnector.DestinationConnectorClient(Channel);
        Health = new Health.HealthClient(Channel);
        Reflection = new global::Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(Channel);
    }

    public GrpcChannel Channel { get; }

    public SourceConnector.SourceConnectorClient Source { get; }

    public DestinationConnector.DestinationConnectorClient Destination { get; }

    public Health.HealthClient Health { get; }

    public global::Grpc.Reflection.V1.ServerReflection.ServerReflectionClient Reflection { get; }

    /// <summary>An h2c channel to <paramref name="host"/>:<paramref name="port"/> (an IPv6 literal is bracketed).</summary>
    public static GrpcChannel CreateChannel(int port, string host = "127.0.0.1", bool acceptGzip = true)
    {
        var authority = host.Contains(':') ? $"[{host}]" : host;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        return GrpcChannel.ForAddress($"http://{authority}:{port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxSendMessageSize = MaxMessageBytes,
            MaxReceiveMessageSize = MaxMessageBytes,
            // Without a compression provider the client advertises only identity, so a server must not compress.
            CompressionProviders = acceptGzip ? null : [],
        });
    }

    public void Dispose() => Channel.Dispose();
}
