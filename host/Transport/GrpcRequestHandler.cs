using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Transport;

/// <summary>
/// Serves one <see cref="GrpcServiceRegistry"/> over HTTP/2: validates the request, applies the deadline, runs the
/// method and ends the call with <c>grpc-status</c>/<c>grpc-message</c> (trailers, or trailers-only when nothing was
/// sent yet).
/// </summary>
public sealed class GrpcRequestHandler
{
    private readonly GrpcServiceRegistry _registry;
    private readonly GrpcTransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _hostStopping;

    public GrpcRequestHandler(GrpcServiceRegistry registry, GrpcTransportOptions options, ILogger logger,
        CancellationToken hostStopping = default)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
        _hostStopping = hostStopping;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Upgrade = "h2c";
            await response.WriteAsync($"gRPC requires HTTP/2; the request used {request.Protocol}.").ConfigureAwait(false);
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
            await response.WriteAsync($"Content-Type '{request.ContentType}' is not supported; gRPC requires application/grpc.")
                .ConfigureAwait(false);
            return;
        }

        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;

        var path = request.Path.Value ?? string.Empty;
        if (!_registry.TryGetMethod(path, out var method))
        {
            EndCall(context, StatusCode.Unimplemented, UnimplementedMessage(path), trailers: null);
            return;
        }

        await RunAsync(context, method).ConfigureAwait(false);
    }

    private async Task RunAsync(HttpContext context, GrpcMethod method)
    {
        var request = context.Request;
        TimeSpan? timeout = null;
        if (request.Headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var timeoutHeader)
            && GrpcProtocol.TryParseTimeout(timeoutHeader.ToString(), out var parsed))
        {
            timeout = parsed;
        }

        using var deadline = timeout is { } t ? new CancellationTokenSource(t > MaxTimerDelay ? MaxTimerDelay : t) : null;
        using var callCancellation = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, deadline?.Token ?? CancellationToken.None, _hostStopping);
        var requestEncoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        var compressResponses = _options.CompressResponsesLikeRequests
            && requestEncoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase)
            && request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString().Contains(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase);
        if (compressResponses)
        {
            context.Response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.Gzip;
        }

        var callContext = new ServerCallContext(context, method.Path,
            timeout is { } d ? DateTime.UtcNow + d : null, callCancellation.Token);
        var reader = new RequestMessageReader(request.BodyReader, _options.MaxReceiveMessageSize,
            string.IsNullOrEmpty(requestEncoding) ? null : requestEncoding);
        var call = new GrpcCall(context, callContext, reader, _options.MaxSendMessageSize, compressResponses);

        StatusCode status;
        string message;
        try
        {
            await method.InvokeAsync(call).ConfigureAwait(false);
            (status, message) = (StatusCode.OK, string.Empty);
        }
        catch (RpcException e)
        {
            (status, message) = (e.StatusCode, e.Detail);
        }
        catch (Exception e) when (e is OperationCanceledException || callCancellation.IsCancellationRequested)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                // The client cancelled or went away: there is no one to send a status to.
                return;
            }

            (status, message) = deadline?.IsCancellationRequested == true
                ? (StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : _hostStopping.IsCancellationRequested
                    ? (StatusCode.Unavailable, "The server is shutting down.")
                    : (StatusCode.Cancelled, "The call was cancelled.");
        }
        catch (Exception e)
        {
            _logger.LogError("Unhandled {ExceptionType} in {Method}", e.GetType().Name, method.Path);
            (status, message) = (StatusCode.Internal, $"Exception was thrown by handler: {e.GetType().Name}");
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (status == StatusCode.OK && deadline?.IsCancellationRequested == true)
        {
            // The handler finished after its deadline: the client has already given up on an OK.
            (status, message) = (StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        EndCall(context, status, message, callContext.ResponseTrailers);
    }

    private static void EndCall(HttpContext context, StatusCode status, string message,
        List<KeyValuePair<string, string>>? trailers)
    {
        var response = context.Response;
        if (!response.HasStarted)
        {
            // Trailers-only: one HEADERS frame with END_STREAM carrying the status.
            WriteStatus(response.Headers, status, message, trailers);
            return;
        }

        var trailersFeature = context.Features.Get<IHttpResponseTrailersFeature>();
        if (trailersFeature?.Trailers is { IsReadOnly: false } responseTrailers)
        {
            WriteStatus(responseTrailers, status, message, trailers);
        }
    }

    private static void WriteStatus(IHeaderDictionary headers, StatusCode status, string message,
        List<KeyValuePair<string, string>>? trailers)
    {
        if (trailers is not null)
        {
            foreach (var (key, value) in trailers)
            {
                headers.Append(key, value);
            }
        }

        headers[GrpcProtocol.StatusTrailer] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(message))
        {
            headers[GrpcProtocol.MessageTrailer] = GrpcProtocol.EncodeMessage(message);
        }
    }

    private string UnimplementedMessage(string path)
    {
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
        return _registry.HasService(service)
            ? $"Method '{path[(slash + 1)..]}' of service '{service}' is unimplemented."
            : $"Service '{service}' is unimplemented.";
    }

    /// <summary>Timers take at most about 49.7 days; a longer deadline is as good as none.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
}
