using Grpc.Core;

namespace ConnectorHost.Tests.Support;

/// <summary>How a call through a generated Grpc.Net.Client stub ended: its status and message, and the answer when OK.</summary>
public sealed record RpcResult<T>(StatusCode Status, string? Message, T? Response)
{
    public T ResponseOrThrow() =>
        Status == StatusCode.OK ? Response! : throw new Xunit.Sdk.XunitException($"The call answered {Status}: {Message}");
}

/// <summary>Runs a stub call and keeps its outcome as data, so a test can assert a failing status like a success.</summary>
public static class Rpc
{
    public static async Task<RpcResult<T>> Unary<T>(Func<AsyncUnaryCall<T>> start)
    {
        try
        {
            using var call = start();
            return new RpcResult<T>(StatusCode.OK, null, await call.ResponseAsync);
        }
        catch (RpcException e)
        {
            return new RpcResult<T>(e.StatusCode, e.Status.Detail, default);
        }
    }

    /// <summary>A server-streaming call read to its end; on a failed status, the responses that arrived before it.</summary>
    public static async Task<RpcResult<List<T>>> Stream<T>(Func<AsyncServerStreamingCall<T>> start)
    {
        var responses = new List<T>();
        try
        {
            using var call = start();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                responses.Add(call.ResponseStream.Current);
            }

            return new RpcResult<List<T>>(StatusCode.OK, null, responses);
        }
        catch (RpcException e)
        {
            return new RpcResult<List<T>>(e.StatusCode, e.Status.Detail, responses);
        }
    }
}
