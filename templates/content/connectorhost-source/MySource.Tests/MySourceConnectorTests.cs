using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MySource.Tests;

public sealed class MySourceConnectorTests
{
    private static MySourceConnector NewConnector() =>
        new(new PluginContext("MySource", AppContext.BaseDirectory, Path.GetTempPath(), NullLoggerFactory.Instance));

    [Fact]
    public async Task A_first_sync_emits_the_configured_rows_then_a_checkpoint()
    {
        var request = new UpdateRequest();
        request.Configuration["rowCount"] = "250";
        var output = new RecordingUpdateOutput();

        await NewConnector().UpdateAsync(request, output, CancellationToken.None);
        await output.FlushAsync();

        output.AssertWithinLimits();
        Assert.Equal(["records(100)", "records(100)", "records(50)", "checkpoint"], output.Shape());
        var last = RecordingUpdateOutput.Values(output.RecordsOf("greetings")[^1]);
        Assert.Equal(250L, last["id"]);
        Assert.Equal("hello #250", last["message"]);
        Assert.Equal("{\"last_id\":250}", Assert.Single(output.Checkpoints));
    }

    [Fact]
    public async Task A_sync_resumes_after_the_saved_state()
    {
        var request = new UpdateRequest { StateJson = "{\"last_id\":7}" };
        request.Configuration["rowCount"] = "1";
        var output = new RecordingUpdateOutput();

        await NewConnector().UpdateAsync(request, output, CancellationToken.None);
        await output.FlushAsync();

        Assert.Equal(8L, RecordingUpdateOutput.Values(Assert.Single(output.Records))["id"]);
    }

    [Fact]
    public async Task Test_fails_on_a_bad_row_count()
    {
        var request = new TestRequest { Name = "configuration" };
        request.Configuration["rowCount"] = "many";

        var response = await NewConnector().TestAsync(request, CancellationToken.None);

        Assert.Equal(TestResponse.ResponseOneofCase.Failure, response.ResponseCase);
    }
}
