using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Tests.Serving;
using FivetranSdk.V2;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>A plugin's ConnectorAlertException becomes the Fivetran task or warning of the response, over the wire.</summary>
public sealed class AlertMappingTests : IAsyncLifetime
{
    private InProcessHost _host = null!;

    public async Task InitializeAsync() => _host = await InProcessHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_task_from_write_batch_is_the_responses_task_and_logged_severe()
    {
        _host.Destination.WriteBatch = (_, _) => throw ConnectorAlertException.Task("Grant INSERT on schema tester to the Fivetran user.");

        var response = await _host.DestinationClient.WriteBatchAsync(new WriteBatchRequest());

        Assert.Equal(WriteBatchResponse.ResponseOneofCase.Task, response.ResponseCase);
        Assert.Equal("Grant INSERT on schema tester to the Fivetran user.", response.Task.Message);
        await _host.WaitForLogAsync("\"level\":\"SEVERE\",\"message\":\"ScriptedDestination answered WriteBatch with a task for the customer: Grant INSERT");
    }

    [Fact]
    public async Task A_warning_from_create_table_is_the_responses_warning()
    {
        _host.Destination.CreateTable = (_, _) => throw ConnectorAlertException.Warning("Column comments are not supported and were dropped.");

        var response = await _host.DestinationClient.CreateTableAsync(new CreateTableRequest());

        Assert.Equal(CreateTableResponse.ResponseOneofCase.Warning, response.ResponseCase);
        Assert.Equal("Column comments are not supported and were dropped.", response.Warning.Message);
        await _host.WaitForLogAsync("\"level\":\"WARNING\",\"message\":\"ScriptedDestination answered CreateTable with a warning");
    }

    [Fact]
    public async Task Describe_table_carries_a_task_too()
    {
        _host.Destination.DescribeTable = (_, _) => throw ConnectorAlertException.Task("The database file is read-only: fix its permissions.");

        var response = await _host.DestinationClient.DescribeTableAsync(new DescribeTableRequest());

        Assert.Equal("The database file is read-only: fix its permissions.", response.Task.Message);
    }

    [Fact]
    public async Task Test_has_no_task_so_an_alert_answers_its_failure_text()
    {
        _host.Source.Test = (_, _) => throw ConnectorAlertException.Task("The API key was revoked: create a new one.");

        var response = await _host.SourceClient.TestAsync(new TestRequest());

        Assert.Equal("The API key was revoked: create a new one.", response.Failure);
    }

    [Fact]
    public async Task Schema_has_no_task_so_an_alert_is_failed_precondition_with_the_text()
    {
        _host.Source.Schema = (_, _) => throw ConnectorAlertException.Task("The account has no tables: grant access to one.");

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.SourceClient.SchemaAsync(new SchemaRequest()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("The account has no tables: grant access to one.", error.Status.Detail);
    }

    [Fact]
    public async Task A_task_in_update_follows_what_was_written_before_it_and_ends_the_stream_ok()
    {
        _host.Source.Update = async (_, output, token) =>
        {
            await output.UpsertAsync("orders", new Dictionary<string, object?> { ["id"] = 1L }, cancellationToken: token);
            await output.CheckpointAsync("{\"cursor\":1}", token);
            await output.UpsertAsync("orders", new Dictionary<string, object?> { ["id"] = 2L }, cancellationToken: token);
            throw ConnectorAlertException.Task("The API token expired: paste a new one in the setup form.");
        };

        using var call = _host.SourceClient.Update(new UpdateRequest());
        var responses = new List<UpdateResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(
            [UpdateResponse.OperationOneofCase.Records, UpdateResponse.OperationOneofCase.Checkpoint, UpdateResponse.OperationOneofCase.Records, UpdateResponse.OperationOneofCase.Task],
            responses.Select(r => r.OperationCase));
        Assert.Equal(2L, responses[2].Records.Records_.Single().Data["id"].Long);
        Assert.Equal("The API token expired: paste a new one in the setup form.", responses[^1].Task.Message);
    }

    [Fact]
    public async Task A_warning_in_update_is_sent_and_ends_the_stream_ok()
    {
        _host.Source.Update = (_, _, _) => throw ConnectorAlertException.Warning("Table legacy is skipped: it has no primary key.");

        using var call = _host.SourceClient.Update(new UpdateRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal("Table legacy is skipped: it has no primary key.", call.ResponseStream.Current.Warning.Message);
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}
