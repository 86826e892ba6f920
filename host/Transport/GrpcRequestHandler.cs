using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Transport;

/// <summary>
/// Serves the gRPC methods of one registry over HTTP/2: validates the request, runs the method with a token
/// bound to deadline, client cancellation and host shutdown, and ends every call with a gRPC status.
/// </summary>
public sealed class GrpcRequestHandler
{
    private readonly GrpcServiceRegistry _registry;
    private readonly GrpcTransportOptions _options;
    private readonly ILogger _logger;

    public GrpcRequestHandler(GrpcServiceRegistry registry, GrpcTransportOptions options, ILogger logger)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            // gRPC needs HTTP/2 (trailers, full duplex); tell an HTTP/1.x client which protocol to use.
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Upgrade = "h2c";
            response.Headers.Connection = "Upgrade";
            await response.WriteAsync($"gRPC requires HTTP/2; this request used {request.Protocol}.");
            return;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            response.Headers[GrpcProtocol.StatusTrailer] = ((int)StatusCode.Internal).ToString();
            response.Headers[GrpcProtocol.MessageTrailer] = GrpcStatusMessage.Encode(
                $"Content-Type '{request.ContentType}' is not supported; expected application/grpc.");
            return;
        }

        var path = request.Path.Value ?? "";
        if (!_registry.TryFind(path, out var method))
        {
            GrpcCall.WriteTrailersOnly(response, StatusCode.Unimplemented, DescribeUnknown(path));
            return;
        }

        await InvokeAsync(context, path, method);
    }

    private string DescribeUnknown(string path)
    {
        var separator = path.LastIndexOf('/');
        var service = separator > 0 ? path[1..separator] : path.TrimStart('/');
        return _registry.ServiceNames.Contains(service)
            ? $"Method '{path[(separator + 1)..]}' is not implemented by service '{service}'."
            : $"Service '{service}' is not implemented by this server.";
    }

    private async Task InvokeAsync(HttpContext http, string path, ServerMethod method)
    {
        var clientAborted = http.RequestAborted;
        var hostStopping = http.RequestServices?.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var callCancellation = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, hostStopping);

        DateTime? deadline = null;
        var timeoutHeader = http.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                deadline = DateTime.UtcNow + timeout;
                // Beyond ~24 days CancelAfter cannot wait; such a deadline never fires in practice.
                if (timeout.TotalMilliseconds < int.MaxValue)
                {
                    callCancellation.CancelAfter(timeout);
                }
            }
            else
            {
                _logger.LogWarning("Ignoring invalid grpc-timeout '{Timeout}' on {Method}.", timeoutHeader, path);
            }
        }

        var context = new ServerCallContext(path, deadline, http.Request.Headers, callCancellation.Token);
        var call = new GrpcCall(http, _options, context);
        bool DeadlineExceeded() => callCancellation.IsCancellationRequested
            && !clientAborted.IsCancellationRequested && !hostStopping.IsCancellationRequested;

        StatusCode status;
        string? detail = null;
        try
        {
            await method.InvokeAsync(call);
            status = DeadlineExceeded() ? StatusCode.DeadlineExceeded : StatusCode.OK;
        }
        catch (Exception) when (clientAborted.IsCancellationRequested)
        {
            _logger.LogDebug("Call {Method} was cancelled by the client.", path);
            return;
        }
        catch (Exception e) when (DeadlineExceeded() && e is not RpcException { StatusCode: not StatusCode.Cancelled })
        {
            status = StatusCode.DeadlineExceeded;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            detail = e.Detail;
        }
        catch (OperationCanceledException) when (hostStopping.IsCancellationRequested)
        {
            status = StatusCode.Unavailable;
            detail = "The server is shutting down.";
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled exception in gRPC method {Method}.", path);
            status = StatusCode.Internal;
            detail = "Exception was thrown by handler.";
        }

        if (status == StatusCode.DeadlineExceeded && detail is null)
        {
            detail = "Deadline exceeded.";
        }
        if (clientAborted.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await call.CompleteAsync(status, detail);
        }
        catch (Exception e) when (clientAborted.IsCancellationRequested)
        {
            _logger.LogDebug(e, "Client of {Method} went away before the status was sent.", path);
        }
    }
}
