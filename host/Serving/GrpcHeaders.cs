namespace ConnectorHost.Serving;

internal static class GrpcHeaders
{
    public const string Encoding = "grpc-encoding";
    public const string Gzip = "gzip";

    /// <summary>Fivetran's limit; a larger message either way is refused with RESOURCE_EXHAUSTED.</summary>
    public const int MaxMessageSize = 128 * 1024 * 1024;
}
