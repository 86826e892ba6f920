namespace ConnectorHost.Transport;

/// <summary>Ends a call with a gRPC status and a message for the client (sent as <c>grpc-message</c>).</summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail)
        : base($"Status({statusCode}, \"{detail}\")")
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; }
}
