namespace ConnectorHost.Transport;

/// <summary>Ends a call with a gRPC status other than OK; <see cref="Detail"/> becomes <c>grpc-message</c>.</summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail)
        : base($"{statusCode}: {detail}")
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; }
}
