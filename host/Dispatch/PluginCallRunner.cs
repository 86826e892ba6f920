using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Hosting;
using ConnectorHost.Transport;
using Google.Protobuf.Collections;
using ILogger = Serilog.ILogger;

namespace ConnectorHost.Dispatch;

/// <summary>
/// Runs one plugin call for a gRPC method (independent of the transport's call object, so it is testable alone): registers the request's secrets, gives the plugin a token that fires when
/// the client cancels, the deadline passes or shutdown aborts calls, and turns every failure into a gRPC status plus
/// a SEVERE log line, so one failing call never affects the others.
/// </summary>
public sealed class PluginCallRunner(
    string pluginName,
    ILogger logger,
    SecretRedactor redactor,
    PasswordFields passwordFields,
    HostLifecycle lifecycle)
{
    private static readonly TimeSpan DeadlineClockTolerance = TimeSpan.FromSeconds(1);

    public string PluginName => pluginName;

    public ILogger Logger => logger;

    public async Task<TResponse> RunAsync<TResponse>(
        string method,
        MapField<string, string>? configuration,
        CancellationToken callToken,
        DateTime? deadline,
        Func<CancellationToken, Task<TResponse>> call)
    {
        passwordFields.RegisterValues(configuration, redactor);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, lifecycle.CallsAborted);
        try
        {
            return await call(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(method, e, deadline, linked.Token);
        }
    }

    public async Task RunAsync(
        string method,
        MapField<string, string>? configuration,
        CancellationToken callToken,
        DateTime? deadline,
        Func<CancellationToken, Task> call)
    {
        passwordFields.RegisterValues(configuration, redactor);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, lifecycle.CallsAborted);
        try
        {
            await call(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(method, e, deadline, linked.Token);
        }
    }

    private RpcException Map(string method, Exception exception, DateTime? deadline, CancellationToken callToken)
    {
        if (exception is OperationCanceledException && callToken.IsCancellationRequested)
        {
            // The transport's deadline timer and the Deadline timestamp are taken a moment apart (and timers run on
            // a different clock), so the token can fire just before DateTime.UtcNow reaches Deadline. Calling a
            // client cancellation within that tolerance "deadline" costs nothing: a client that cancelled is gone.
            var deadlinePassed = deadline is { } due && due <= DateTime.UtcNow + DeadlineClockTolerance;
            var (status, why) = deadlinePassed
                ? (StatusCode.DeadlineExceeded, "the call's deadline passed")
                : lifecycle.CallsAborted.IsCancellationRequested
                    ? (StatusCode.Unavailable, "the host is shutting down")
                    : (StatusCode.Cancelled, "the client cancelled the call");
            var detail = $"{pluginName} {method} was cancelled: {why}";
            if (status == StatusCode.Cancelled)
            {
                logger.Warning("{Detail}", detail);
            }
            else
            {
                logger.Error("{Detail}", detail);
            }

            return new RpcException(status, detail);
        }

        if (exception is ConnectorException connectorException)
        {
            var message = redactor.Redact(connectorException.Message);
            logger.Error("{Plugin} failed in {Method}: {Message}", pluginName, method, message);
            return new RpcException(StatusFor(connectorException.Kind), message);
        }

        var summary = redactor.Redact($"{pluginName} failed in {method}: {exception.GetType().Name}: {exception.Message}");
        logger.Error("{Summary}", summary);
        return new RpcException(StatusCode.Internal, summary);
    }

    public static StatusCode StatusFor(ConnectorErrorKind kind) => kind switch
    {
        ConnectorErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ConnectorErrorKind.NotFound => StatusCode.NotFound,
        ConnectorErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        ConnectorErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ConnectorErrorKind.Unimplemented => StatusCode.Unimplemented,
        ConnectorErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };
}
