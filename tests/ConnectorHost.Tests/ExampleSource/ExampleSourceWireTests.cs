using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Source;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Tests.ExampleSource;

/// <summary>The example source through the real host over HTTP/2, checked against example-behaviour.md.</summary>
public sealed class ExampleSourceWireTests(ExampleSourceHostFixture fixture) : IClassFixture<ExampleSourceHostFixture>, IDisposable
{
    private const string Service = ExampleSourceHostFixture.Service;

    private readonly GrpcTestClient _client = fixture.NewClient();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ConfigurationForm_answers_the_exact_form()
    {
        var form = (await _client.UnaryAsync(Service + "ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser)).ResponseOrThrow();
        Assert.Equal(JsonParser.Default.Parse<ConfigurationFormResponse>(ExampleSourcePluginTests.ExpectedFormJson), form);
    }

    [Fact]
    public async Task Schema_answers_two_tables_without_schema()
    {
        var schema = (await _client.UnaryAsync(Service + "Schema", new SchemaRequest(), SchemaResponse.Parser)).ResponseOrThrow();
        Assert.Equal(JsonParser.Default.Parse<SchemaResponse>(ExampleSourcePluginTests.ExpectedSchemaJson), schema);
    }

    [Fact]
    public async Task Test_answers_success_for_a_known_test_with_an_absolute_url_and_failure_otherwise()
    {
        var ok = await Test("select", ("apiBaseURL", "http://localhost:8080/api"));
        Assert.True(ok.Success);

        var missing = await Test("connect");
        Assert.Contains("apiBaseURL", missing.Failure);

        var relative = await Test("connect", ("apiBaseURL", "api/v1"));
        Assert.Contains("not an absolute", relative.Failure);

        var unknown = await Test("nope", ("apiBaseURL", "https://x.example"));
        Assert.Contains("'connect', 'select'", unknown.Failure);
    }

    [Theory]
    [InlineData(null, "{\"cursor\": 6}")]
    [InlineData("", "{\"cursor\": 6}")]
    [InlineData("{\"cursor\": 94}", "{\"cursor\": 100}")]
    public async Task Update_streams_the_exact_example_sync(string? state, string checkpoint)
    {
        var responses = await Update(state);

        Assert.Equal(["records(4)", "record", "record", "checkpoint"], responses.Select(InMemoryUpdateSink.Describe));
        var batch = responses[0].Records.Records_;
        Assert.Equal(["a-0", "a-1", "a-2"], batch.Take(3).Select(r => r.Data["a1"].String));
        Assert.Equal([0.0, 0.234, 0.468], batch.Take(3).Select(r => r.Data["a2"].Double));
        Assert.All(batch.Take(3), r => Assert.Equal(("table1", RecordType.Upsert), (r.TableName, r.Type)));
        Assert.Equal(("table2", RecordType.Upsert, "b1", "ben"), (batch[3].TableName, batch[3].Type, batch[3].Data["b1"].String, batch[3].Data["b2"].String));
        Assert.Equal(("table1", RecordType.Update, "a-0", 110.234),
            (responses[1].Record.TableName, responses[1].Record.Type, responses[1].Record.Data["a1"].String, responses[1].Record.Data["a2"].Double));
        Assert.Equal(("table1", RecordType.Delete, "a-2", 1),
            (responses[2].Record.TableName, responses[2].Record.Type, responses[2].Record.Data["a1"].String, responses[2].Record.Data.Count));
        Assert.Equal(checkpoint, responses[3].Checkpoint.StateJson);
    }

    [Fact]
    public async Task Update_with_invalid_state_answers_INVALID_ARGUMENT_saying_why()
    {
        var result = await _client.ServerStreamingAsync(Service + "Update", new UpdateRequest { StateJson = "{cursor" }, UpdateResponse.Parser);
        Assert.Equal(StatusCode.InvalidArgument, result.Status);
        Assert.Contains("state_json is not valid JSON", result.Message);
        Assert.Empty(result.Response ?? []);
    }

    [Fact]
    public async Task The_load_knob_batches_on_the_wire_at_100_records()
    {
        var responses = await Update("{\"cursor\": 1}", ("recordCount", "250"));

        Assert.Equal(["records(100)", "records(100)", "records(51)", "record", "record", "checkpoint"], responses.Select(InMemoryUpdateSink.Describe));
        var upserts = responses.Take(3).SelectMany(r => r.Records.Records_).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(t => $"a-{t}"), upserts.Take(250).Select(r => r.Data["a1"].String));
        Assert.Equal(249 * 0.234, upserts[249].Data["a2"].Double);
        Assert.Equal("{\"cursor\": 254}", responses[^1].Checkpoint.StateJson);
    }

    private async Task<TestResponse> Test(string name, params (string Key, string Value)[] configuration)
    {
        var request = new TestRequest { Name = name };
        foreach (var (key, value) in configuration)
        {
            request.Configuration[key] = value;
        }

        return (await _client.UnaryAsync(Service + "Test", request, TestResponse.Parser)).ResponseOrThrow();
    }

    private async Task<IReadOnlyList<UpdateResponse>> Update(string? state, params (string Key, string Value)[] configuration)
    {
        var request = new UpdateRequest();
        if (state is not null)
        {
            request.StateJson = state;
        }

        foreach (var (key, value) in configuration)
        {
            request.Configuration[key] = value;
        }

        var result = await _client.ServerStreamingAsync(Service + "Update", request, UpdateResponse.Parser);
        Assert.True(result.Status == StatusCode.OK, $"Update failed: {result.Status} {result.Message}");
        return result.Response!;
    }
}
