using System.Text.Json;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Dispatch;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Tests.Serving;
using Grpc.Core;
using ConnectorHost.Abstractions.Destination;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>How a plugin call's outcome becomes a gRPC status and a log line, without a network in between.</summary>
public sealed class PluginDispatcherTests
{
    private readonly StringWriter _output = new();
    private readonly HostLogging _logging;
    private readonly HostLifecycle _lifecycle = new();

    public PluginDispatcherTests() => _logging = new HostLogging(_output, new SecretRedactor());

    [Theory]
    [InlineData(ConnectorErrorKind.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(ConnectorErrorKind.NotFound, StatusCode.NotFound)]
    [InlineData(ConnectorErrorKind.AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(ConnectorErrorKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(ConnectorErrorKind.Unimplemented, StatusCode.Unimplemented)]
    [InlineData(ConnectorErrorKind.Unavailable, StatusCode.Unavailable)]
    [InlineData(ConnectorErrorKind.Internal, StatusCode.Internal)]
    public async Task Connector_exception_kind_becomes_its_status_with_the_plugin_message(ConnectorErrorKind kind, StatusCode expected)
    {
        const string message = "table \"orders\" is bad: 100% \\ wrong\nsee ünïcode";

        var error = await Assert.ThrowsAsync<RpcException>(() => Runner(ConnectorSide.Destination).RunAsync(
            "WriteBatch", null, CancellationToken.None, null, _ => Task.FromException<int>(new ConnectorException(kind, message))));

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
        var line = SingleLine();
        Assert.Equal("SEVERE", line.Level);
        Assert.Equal("sdk_destination", line.Origin);
        Assert.Equal($"Probe failed in WriteBatch: {message}", line.Message);
    }

    [Fact]
    public async Task Any_other_exception_is_internal_with_type_and_message_but_no_stack_trace()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Runner(ConnectorSide.Source).RunAsync(
            "Schema", null, CancellationToken.None, null, async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("boom");
            }));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Probe failed in Schema: InvalidOperationException: boom", error.Status.Detail);
        var line = SingleLine();
        Assert.Equal(("SEVERE", "sdk_connector", error.Status.Detail), (line.Level, line.Origin, line.Message));
        Assert.DoesNotContain(" at ", _output.ToString());
    }

    [Fact]
    public async Task Client_cancellation_is_cancelled()
    {
        using var client = new CancellationTokenSource();
        var started = new TaskCompletionSource();

        var call = Runner(ConnectorSide.Source).RunAsync("Update", null, client.Token, null, async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        await started.Task;
        client.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("WARNING", SingleLine().Level);
    }

    [Fact]
    public async Task Cancellation_after_the_deadline_is_deadline_exceeded()
    {
        using var deadline = new CancellationTokenSource();
        deadline.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => Runner(ConnectorSide.Source).RunAsync(
            "Test", null, deadline.Token, DateTime.UtcNow.AddSeconds(-1), token => Task.FromCanceled<int>(token)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("SEVERE", SingleLine().Level);
    }

    [Fact]
    public async Task Shutdown_abort_cancels_the_plugin_token()
    {
        var started = new TaskCompletionSource();
        var call = Runner(ConnectorSide.Source).RunAsync("Update", null, CancellationToken.None, null, async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        await started.Task;
        _lifecycle.AbortInFlightCalls();

        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => call)).StatusCode);
    }

    [Fact]
    public async Task Password_values_from_the_request_never_reach_a_log_line_or_a_status()
    {
        var form = new ConfigurationFormResponse();
        form.Fields.Add(new FormField { Name = "password", TextField = TextField.Password });
        form.Fields.Add(new FormField
        {
            Name = "conditional",
            ConditionalFields = new ConditionalFields { Fields = { new FormField { Name = "apiToken", TextField = TextField.Password } } },
        });
        var request = new TestRequest { Configuration = { ["host"] = "db.example", ["password"] = "s3cr3t-pw", ["apiToken"] = "tok-\"42\"" } };
        var pluginLogger = _logging.FactoryFor(ConnectorSide.Source).CreateLogger("Probe");

        var error = await Assert.ThrowsAsync<RpcException>(() => Runner(ConnectorSide.Source, form).RunAsync(
            "Test", request.Configuration, CancellationToken.None, null, _ =>
            {
                pluginLogger.LogInformation("configuration: {Configuration}", request.Configuration);
                pluginLogger.LogInformation("destructured: {@Configuration}", request.Configuration);
                throw new InvalidOperationException("login failed for password s3cr3t-pw");
            }));

        var output = _output.ToString();
        Assert.DoesNotContain("s3cr3t-pw", output);
        Assert.DoesNotContain("tok-", output);
        Assert.DoesNotContain("s3cr3t-pw", error.Status.Detail);
        Assert.Contains("db.example", output);
        Assert.Contains("***", output);
    }

    [Fact]
    public async Task Success_returns_the_plugin_answer_and_logs_nothing()
    {
        Assert.Equal(42, await Runner(ConnectorSide.Source).RunAsync("Test", null, CancellationToken.None, null, _ => Task.FromResult(42)));
        Assert.Empty(_output.ToString());
    }

    private ProbeRunner Runner(ConnectorSide side, ConfigurationFormResponse? form = null) => new(side, _logging, _lifecycle, form ?? new ConfigurationFormResponse());

    /// <summary>Dispatches arbitrary work as a call of a destination plugin named "Probe".</summary>
    private sealed class ProbeRunner(ConnectorSide side, HostLogging logging, HostLifecycle lifecycle, ConfigurationFormResponse form)
    {
        private readonly PluginDispatcher<IDestinationConnector> _dispatcher = new(
            new PluginHandle<IDestinationConnector>(new LoadedPlugin<IDestinationConnector>("Probe", "1.0.0", ".", side, new ScriptedDestination { Form = _ => Task.FromResult(form) })),
            logging.For(side), logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));

        public async Task<int> RunAsync(string method, Google.Protobuf.Collections.MapField<string, string>? configuration, CancellationToken token, DateTime? deadline, Func<CancellationToken, Task<int>> call)
        {
            var response = await _dispatcher.CallAsync(method, configuration, new PluginCall(token, deadline),
                async (_, pluginToken) => new TestResponse { Failure = (await call(pluginToken)).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return int.Parse(response.Failure, System.Globalization.CultureInfo.InvariantCulture);
        }

        public Task RunAsync(string method, Google.Protobuf.Collections.MapField<string, string>? configuration, CancellationToken token, DateTime? deadline, Func<CancellationToken, Task> call) =>
            _dispatcher.StreamAsync(method, configuration, new PluginCall(token, deadline), (_, pluginToken) => call(pluginToken), (_, _, _) => Task.CompletedTask);
    }

    private (string? Level, string? Origin, string? Message) SingleLine()
    {
        _logging.Dispose();
        var raw = Assert.Single(_output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(raw);
        var root = document.RootElement;
        return (root.GetProperty("level").GetString(), root.GetProperty("message-origin").GetString(), root.GetProperty("message").GetString());
    }
}
