using Xunit;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Testing.Source;
using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Tests.Authoring;

public class UpdateOutputExtensionsTests
{
    private readonly InMemoryUpdateSink _sink = new();

    [Fact]
    public async Task Upsert_update_delete_and_truncate_build_records_of_their_type_through_the_batching()
    {
        IUpdateOutput output = new RecordBatcher(_sink);
        var row = new Dictionary<string, object?> { ["id"] = 1L, ["name"] = "ann", ["score"] = 2.5, ["gone"] = null };

        await output.TruncateAsync("people", "crm");
        await output.UpsertAsync("people", row, "crm");
        await output.UpdateAsync("people", new Dictionary<string, object?> { ["id"] = 1L, ["name"] = "anne" });
        await output.DeleteAsync("people", new Dictionary<string, object?> { ["id"] = 1L });
        await output.FlushAsync();

        Assert.Equal(["records(4)"], _sink.Shape());
        var records = _sink.AllRecords().ToList();
        Assert.Equal([RecordType.Truncate, RecordType.Upsert, RecordType.Update, RecordType.Delete], records.Select(r => r.Type));
        Assert.Equal(("crm", "people"), (records[0].SchemaName, records[0].TableName));
        Assert.Empty(records[0].Data);
        Assert.Equal(1L, records[1].Data["id"].Long);
        Assert.Equal("ann", records[1].Data["name"].String);
        Assert.Equal(2.5, records[1].Data["score"].Double);
        Assert.True(records[1].Data["gone"].Null);
        Assert.False(records[2].HasSchemaName);
        Assert.Equal("anne", records[2].Data["name"].String);
        Assert.Equal(["id"], records[3].Data.Keys);
    }

    [Fact]
    public void An_unconvertible_value_names_its_column()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SourceRecords.Upsert("t", new Dictionary<string, object?> { ["when"] = TimeSpan.Zero }));
        Assert.Contains("'when'", error.Message);
    }

    [Fact]
    public async Task Checkpoint_serializes_the_state_object_as_json_after_the_pending_records()
    {
        IUpdateOutput output = new RecordBatcher(_sink);
        await output.UpsertAsync("t", new Dictionary<string, object?> { ["id"] = 1 });
        await output.CheckpointAsync(new { cursor = 42, pages = new[] { "a", "b" } });
        await output.CheckpointAsync("{\"raw\": true}");

        Assert.Equal(["records(1)", "checkpoint", "checkpoint"], _sink.Shape());
        Assert.Equal("{\"cursor\":42,\"pages\":[\"a\",\"b\"]}", _sink.Responses[1].Checkpoint.StateJson);
        Assert.Equal("{\"raw\": true}", _sink.Responses[2].Checkpoint.StateJson);
    }
}
