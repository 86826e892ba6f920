using ConnectorHost.Tests.Support;
using Grpc.Core;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>Every SourceConnector RPC through the real host reaches the plugin and comes back unchanged.</summary>
[Collection(ProbeHostCollection.Name)]
public sealed class SourceDispatchTests(ProbeHostFixture host)
{
    [Fact]
    public async Task ConfigurationForm_returns_the_plugins_form()
    {
        var result = await Rpc.Unary(() => host.Host.SourceClient.ConfigurationFormAsync(new ConfigurationFormRequest()));

        var form = result.ResponseOrThrow();
        Assert.Equal(["host", "password", "useToken", "tokenFields"], form.Fields.Select(f => f.Name));
        Assert.Equal(TextField.Password, form.Fields[1].TextField);
        Assert.Equal("connect", Assert.Single(form.Tests).Name);
    }

    [Fact]
    public async Task Test_passes_name_and_configuration_to_the_plugin()
    {
        var ok = await Rpc.Unary(() => host.Host.SourceClient.TestAsync(new TestRequest { Name = "ok" }));
        var failing = await Rpc.Unary(() => host.Host.SourceClient.TestAsync(new TestRequest { Name = "connect", Configuration = { ["a"] = "1", ["b"] = "2" } }));

        Assert.True(ok.ResponseOrThrow().Success);
        Assert.Equal("configuration entries: 2", failing.ResponseOrThrow().Failure);
    }

    [Fact]
    public async Task Schema_returns_the_plugins_tables()
    {
        var result = await Rpc.Unary(() => host.Host.SourceClient.SchemaAsync(new SchemaRequest()));

        var table = Assert.Single(result.ResponseOrThrow().WithoutSchema.Tables);
        Assert.Equal("probe_table", table.Name);
        Assert.True(Assert.Single(table.Columns).PrimaryKey);
    }

    [Fact]
    public async Task Update_streams_batched_records_then_the_checkpoint()
    {
        var result = await Rpc.Stream(() => host.Host.SourceClient.Update(new UpdateRequest()));

        Assert.Equal(StatusCode.OK, result.Status);
        var responses = result.Response!;
        Assert.Equal(2, responses.Count);
        // The host's RecordBatcher puts the three records written before the checkpoint in one Records message.
        Assert.Equal([1L, 2L, 3L], responses[0].Records.Records_.Select(r => r.Data["id"].Long));
        Assert.Equal("{\"cursor\":3}", responses[1].Checkpoint.StateJson);
    }

    [Fact]
    public async Task Large_response_is_delivered_whole()
    {
        const int size = 5 * 1024 * 1024;
        var result = await Rpc.Unary(() => host.Host.SourceClient.TestAsync(new TestRequest { Name = "connect", Configuration = { ["responseBytes"] = size.ToString() } }));

        Assert.Equal(size, result.ResponseOrThrow().Failure.Length);
    }
}
