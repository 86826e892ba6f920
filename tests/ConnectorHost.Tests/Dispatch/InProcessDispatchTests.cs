using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Dispatch;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Dispatch;
using ConnectorHost.Testing.Hosting;
using ConnectorHost.Testing.Source;
using ConnectorHost.Tests.Serving;
using FivetranSdk.V2;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>The test kit's InProcessDispatch: a plugin called through the host's dispatch answers as a gRPC client would see it.</summary>
public sealed class InProcessDispatchTests
{
    [Fact]
    public async Task A_connector_exception_surfaces_as_its_grpc_status_with_the_message()
    {
        var plugin = new ScriptedDestination
        {
            Test = (_, _) => throw new ConnectorException(ConnectorErrorKind.InvalidArgument, "port must be a number"),
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);

        var failure = await Assert.ThrowsAsync<RpcException>(() => dispatched.Connector.TestAsync(new TestRequest { Name = "connect" }, CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("port must be a number", failure.Status.Detail);
        Assert.Contains(dispatched.LogLines, line => line.Contains("failed in Test: port must be a number", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_alert_becomes_the_task_of_the_response()
    {
        var plugin = new ScriptedDestination
        {
            WriteBatch = (_, _) => throw ConnectorAlertException.Task("grant INSERT on crm.users to the connector's role"),
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);

        var response = await dispatched.Connector.WriteBatchAsync(new WriteBatchRequest { SchemaName = "crm" }, CancellationToken.None);

        Assert.Equal(WriteBatchResponse.ResponseOneofCase.Task, response.ResponseCase);
        Assert.Equal("grant INSERT on crm.users to the connector's role", response.Task.Message);
    }

    [Fact]
    public async Task A_source_alert_in_update_is_sent_after_what_the_plugin_wrote()
    {
        var plugin = new ScriptedSource
        {
            Update = async (_, output, token) =>
            {
                await output.CheckpointAsync("{\"cursor\":1}", token);
                throw ConnectorAlertException.Warning("table orders was skipped: no primary key");
            },
        };
        await using var dispatched = InProcessDispatch.Source(plugin);
        var output = new RecordingUpdateOutput();

        await dispatched.Connector.UpdateAsync(new UpdateRequest(), output, CancellationToken.None);

        Assert.Equal(["checkpoint", "warning"], output.Shape());
        Assert.Equal("table orders was skipped: no primary key", output.Responses[^1].Warning.Message);
    }

    [Fact]
    public async Task A_message_over_8000_bytes_is_capped_with_the_marker()
    {
        var plugin = new ScriptedDestination
        {
            CreateTable = (_, _) => throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, new string('é', 6000)),
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);

        var failure = await Assert.ThrowsAsync<RpcException>(() => dispatched.Connector.CreateTableAsync(new CreateTableRequest(), CancellationToken.None));

        Assert.Equal(StatusCode.FailedPrecondition, failure.StatusCode);
        Assert.True(Encoding.UTF8.GetByteCount(failure.Status.Detail) <= StatusMessage.MaxBytes);
        Assert.EndsWith(StatusMessage.CutMarker, failure.Status.Detail);
        Assert.StartsWith("éé", failure.Status.Detail);
    }

    [Fact]
    public async Task A_password_field_value_never_reaches_the_log_or_the_status()
    {
        const string password = "s3cret-in-process-42";
        var plugin = new ScriptedDestination
        {
            Form = _ => Task.FromResult(new ConfigurationFormResponse
            {
                Fields = { new FormField { Name = "password", Label = "Password", TextField = TextField.Password } },
            }),
            Test = (request, _) => throw new InvalidOperationException($"login refused for password {request.Configuration["password"]}"),
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);

        var failure = await Assert.ThrowsAsync<RpcException>(() => dispatched.Connector.TestAsync(
            new TestRequest { Name = "connect", Configuration = { ["password"] = password } }, CancellationToken.None));

        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.Contains("login refused for password ***", failure.Status.Detail);
        Assert.Contains(dispatched.LogLines, line => line.Contains("login refused for password ***", StringComparison.Ordinal));
        Assert.DoesNotContain(dispatched.LogLines, line => line.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, failure.Status.Detail);
    }

    [Fact]
    public async Task A_cancelled_call_answers_cancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var plugin = new ScriptedDestination
        {
            Test = async (_, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new TestResponse { Success = true };
            },
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);
        using var cancel = new CancellationTokenSource();

        var call = dispatched.Connector.TestAsync(new TestRequest { Name = "connect" }, cancel.Token);
        await started.Task;
        await cancel.CancelAsync();
        var failure = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
    }

    [Fact]
    public async Task A_call_aborted_by_shutdown_answers_unavailable()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var plugin = new ScriptedDestination
        {
            WriteBatch = async (_, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new WriteBatchResponse { Success = true };
            },
        };
        await using var dispatched = InProcessDispatch.Destination(plugin);

        var call = dispatched.Connector.WriteBatchAsync(new WriteBatchRequest(), CancellationToken.None);
        await started.Task;
        dispatched.AbortInFlightCalls();
        var failure = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("the host is shutting down", failure.Status.Detail);
    }

    [Fact]
    public async Task A_plugin_folder_is_loaded_as_the_host_loads_it()
    {
        await using var dispatched = InProcessDispatch.Destination(Path.Combine(RepoPaths.TestPluginsDirectory, "ProbeDestination"));

        var failure = await Assert.ThrowsAsync<RpcException>(() => dispatched.Connector.TestAsync(new TestRequest
        {
            Name = "connect",
            Configuration = { ["behaviour"] = "connector-error", ["kind"] = "NotFound", ["message"] = "no such schema" },
        }, CancellationToken.None));

        Assert.Equal("ProbeDestination", dispatched.PluginName);
        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
        Assert.Equal("no such schema", failure.Status.Detail);
    }

    [Fact]
    public void A_folder_that_is_not_a_plugin_fails_with_the_hosts_diagnosis()
    {
        var failure = Assert.Throws<PluginLoadException>(() => InProcessDispatch.Source(Path.Combine(RepoPaths.TestPluginsDirectory, "NoSuchPlugin")));

        Assert.Equal(ConnectorSide.Source, failure.Side);
        Assert.Contains("NoSuchPlugin", failure.Message);
    }
}
