using System.Runtime.CompilerServices;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using FivetranSdk.V2;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Grpc.Core;
using ILogger = Serilog.ILogger;

namespace ConnectorHost.Dispatch;

/// <summary>
/// The one place a call reaches a plugin: leases the current plugin instance (so a reload can swap builds under
/// running calls), registers the request's Password values with the redactor, gives the plugin a token that fires on
/// the caller's cancellation, its deadline or a shutdown past its grace period, and turns every outcome into the
/// answer: the response, a Fivetran task/warning, or an <see cref="RpcException"/> with a capped message, each failure
/// logged once. Nothing here depends on gRPC's call context, so tools can dispatch in process.
/// </summary>
public sealed class PluginDispatcher<TContract>
    where TContract : class
{
    private static readonly TimeSpan DeadlineClockTolerance = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    private readonly string _pluginName;
    private readonly Task<PluginHandle<TContract>> _handle;
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;
    private readonly HostLifecycle _lifecycle;
    private readonly Func<TContract, CancellationToken, Task<ConfigurationFormResponse>> _configurationForm;
    // Password fields are a property of a plugin build: learnt once per instance, so a reloaded build's form counts.
    private readonly ConditionalWeakTable<TContract, Task<PasswordFields>> _passwordFields = new();

    public PluginDispatcher(
        PluginHandle<TContract> handle,
        ILogger logger,
        SecretRedactor redactor,
        HostLifecycle lifecycle,
        Func<TContract, CancellationToken, Task<ConfigurationFormResponse>> configurationForm)
        : this(handle.Name, Task.FromResult(handle), logger, redactor, lifecycle, configurationForm)
    {
    }

    /// <summary>Dispatch to a plugin still loading: calls wait for <paramref name="handle"/>.</summary>
    public PluginDispatcher(
        string pluginName,
        Task<PluginHandle<TContract>> handle,
        ILogger logger,
        SecretRedactor redactor,
        HostLifecycle lifecycle,
        Func<TContract, CancellationToken, Task<ConfigurationFormResponse>> configurationForm)
    {
        _pluginName = pluginName;
        _handle = handle;
        _logger = logger;
        _redactor = redactor;
        _lifecycle = lifecycle;
        _configurationForm = configurationForm;
    }

    public string PluginName => _pluginName;

    /// <summary>The side whose contract <typeparamref name="TContract"/> is.</summary>
    public static ConnectorSide Side { get; } = typeof(TContract) == typeof(Abstractions.Source.ISourceConnector) ? ConnectorSide.Source : ConnectorSide.Destination;

    public ILogger Logger => _logger;

    /// <summary>Asks the current instance for its form now (at start-up), so a form that fails is reported early.</summary>
    public async Task LearnPasswordFieldsAsync()
    {
        var handle = await _handle.ConfigureAwait(false);
        Task<PasswordFields> learning;
        using (var lease = handle.Acquire())
        {
            learning = PasswordFieldsOf(lease.Connector);
        }

        await learning.ConfigureAwait(false);
    }

    private ValueTask<PluginHandle<TContract>> HandleAsync() =>
        _handle.IsCompletedSuccessfully ? new ValueTask<PluginHandle<TContract>>(_handle.Result) : new ValueTask<PluginHandle<TContract>>(_handle);

    public async Task<TResponse> CallAsync<TResponse>(
        string method,
        MapField<string, string>? configuration,
        PluginCall call,
        Func<TContract, CancellationToken, Task<TResponse>> invoke)
        where TResponse : IMessage<TResponse>, new()
    {
        PluginConsoleCapture.EnterCall(Side);
        using var lease = (await HandleAsync().ConfigureAwait(false)).Acquire();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CallToken, _lifecycle.CallsAborted);
        try
        {
            await RegisterSecretsAsync(lease.Connector, configuration).ConfigureAwait(false);
            return await invoke(lease.Connector, linked.Token).ConfigureAwait(false);
        }
        catch (ConnectorAlertException alert)
        {
            return ConnectorAlerts.Answer<TResponse>(alert, LogAlert(method, alert));
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(method, e, call, linked.Token);
        }
    }

    /// <summary>
    /// A streaming call: <paramref name="answerAlert"/> sends a task or warning the plugin raised (after whatever it
    /// wrote before), which ends the call normally.
    /// </summary>
    public async Task StreamAsync(
        string method,
        MapField<string, string>? configuration,
        PluginCall call,
        Func<TContract, CancellationToken, Task> invoke,
        Func<ConnectorAlertException, string, CancellationToken, Task> answerAlert)
    {
        PluginConsoleCapture.EnterCall(Side);
        using var lease = (await HandleAsync().ConfigureAwait(false)).Acquire();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CallToken, _lifecycle.CallsAborted);
        try
        {
            await RegisterSecretsAsync(lease.Connector, configuration).ConfigureAwait(false);
            try
            {
                await invoke(lease.Connector, linked.Token).ConfigureAwait(false);
            }
            catch (ConnectorAlertException alert)
            {
                await answerAlert(alert, LogAlert(method, alert), linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(method, e, call, linked.Token);
        }
    }

    private async Task RegisterSecretsAsync(TContract connector, MapField<string, string>? configuration)
    {
        if (configuration is null || configuration.Count == 0)
        {
            return;
        }

        (await PasswordFieldsOf(connector).ConfigureAwait(false)).RegisterValues(configuration, _redactor);
    }

    private Task<PasswordFields> PasswordFieldsOf(TContract connector) =>
        _passwordFields.GetValue(connector, instance => LoadPasswordFieldsAsync(instance));

    private async Task<PasswordFields> LoadPasswordFieldsAsync(TContract connector)
    {
        try
        {
            using var timeout = new CancellationTokenSource(FormTimeout);
            return PasswordFields.FromForm(await _configurationForm(connector, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            _logger.Error("{Plugin} failed in ConfigurationForm ({Summary}); its Password fields are unknown, so their values cannot be masked in logs",
                PluginName, FivetranJsonFormatter.Summarise(e));
            return PasswordFields.None;
        }
    }

    private string LogAlert(string method, ConnectorAlertException alert)
    {
        var message = _redactor.Redact(alert.Message);
        if (alert.Kind == ConnectorAlertKind.Task)
        {
            _logger.Error("{Plugin} answered {Method} with a task for the customer: {Message}", PluginName, method, message);
        }
        else
        {
            _logger.Warning("{Plugin} answered {Method} with a warning for the customer: {Message}", PluginName, method, message);
        }

        return message;
    }

    private RpcException Map(string method, Exception exception, PluginCall call, CancellationToken pluginToken)
    {
        if (pluginToken.IsCancellationRequested && exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The transport's deadline timer and the Deadline timestamp are taken a moment apart (and timers run on a
            // different clock), so the token can fire just before the clock reaches Deadline. Calling a client
            // cancellation within that tolerance "deadline" costs nothing: a client that cancelled is gone.
            var deadlinePassed = call.Deadline is { } due && due <= DateTime.UtcNow + DeadlineClockTolerance;
            var (status, why) = deadlinePassed
                ? (StatusCode.DeadlineExceeded, "the call's deadline passed")
                : _lifecycle.CallsAborted.IsCancellationRequested
                    ? (StatusCode.Unavailable, "the host is shutting down")
                    : (StatusCode.Cancelled, "the client cancelled the call or disconnected");
            var detail = $"{PluginName} {method} was cancelled: {why}";
            if (status == StatusCode.Cancelled)
            {
                _logger.Warning("{Detail}", detail);
            }
            else
            {
                _logger.Error("{Detail}", detail);
            }

            return new RpcException(new Status(status, detail));
        }

        if (exception is ConnectorException connectorException)
        {
            var message = _redactor.Redact(connectorException.Message);
            _logger.Error("{Plugin} failed in {Method}: {Message}", PluginName, method, message);
            return new RpcException(new Status(StatusFor(connectorException.Kind), StatusMessage.Cap(message)));
        }

        var summary = _redactor.Redact($"{PluginName} failed in {method}: {exception.GetType().Name}: {exception.Message}");
        _logger.Error("{Summary}", summary);
        _logger.Debug("{Plugin} {Method} stack trace: {StackTrace}", PluginName, method, _redactor.Redact(exception.ToString()));
        return new RpcException(new Status(StatusCode.Internal, StatusMessage.Cap(summary)));
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
