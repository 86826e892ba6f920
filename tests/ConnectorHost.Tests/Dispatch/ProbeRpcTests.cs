using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>One real host serving the probe plugins on both sides, shared by the RPC tests.</summary>
public sealed class ProbeHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public GrpcTestClient Source { get; private set; } = null!;

    public GrpcTestClient Destination { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });
        Source = new GrpcTestClient(Host.SourcePort);
        Destination = new GrpcTestClient(Host.DestinationPort);
    }

    public async Task DisposeAsync()
    {
        Source.Dispose();
        Destination.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Every RPC of both contracts through the real host, and how plugin failures come back.</summary>
public sealed class ProbeRpcTests(ProbeHostFixture fixture) : IClassFixture<ProbeHostFixture>
{
    private const string SourceService = "/fivetran_sdk.v2.SourceConnector/";
    private const string DestinationService = "/fivetran_sdk.v2.DestinationConnector/";

    [Fact]
    public async Task Source_configuration_form_test_schema_and_update_answer()
    {
        var form = (await fixture.Source.UnaryAsync(SourceService + "ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser)).ResponseOrThrow();
        Assert.Contains(form.Fields, f => f.Name == "password" && f.TextField == TextField.Password);

        var test = (await fixture.Source.UnaryAsync(SourceService + "Test", new TestRequest { Name = "connect", Configuration = { ["a"] = "1", ["b"] = "2" } }, TestResponse.Parser)).ResponseOrThrow();
        Assert.Equal("configuration entries: 2", test.Failure);

        var schema = (await fixture.Source.UnaryAsync(SourceService + "Schema", new SchemaRequest(), SchemaResponse.Parser)).ResponseOrThrow();
        Assert.Equal("probe_table", Assert.Single(schema.WithoutSchema.Tables).Name);

        var update = await fixture.Source.ServerStreamingAsync(SourceService + "Update", new UpdateRequest(), UpdateResponse.Parser);
        Assert.Equal(StatusCode.OK, update.Status);
        var responses = update.Response!;
        Assert.Equal([1L, 2L, 3L], responses.Where(r => r.OperationCase == UpdateResponse.OperationOneofCase.Records)
            .SelectMany(r => r.Records.Records_).Select(r => r.Data["id"].Long));
        Assert.Equal("{\"cursor\":3}", responses[^1].Checkpoint.StateJson);
    }

    [Fact]
    public async Task Every_destination_rpc_answers()
    {
        var d = fixture.Destination;
        Assert.Contains((await d.UnaryAsync(DestinationService + "ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser)).ResponseOrThrow().Fields, f => f.Name == "password");
        Assert.Equal(BatchFileFormat.Csv, (await d.UnaryAsync(DestinationService + "Capabilities", new CapabilitiesRequest(), CapabilitiesResponse.Parser)).ResponseOrThrow().BatchFileFormat);
        Assert.True((await d.UnaryAsync(DestinationService + "Test", new TestRequest { Name = "ok" }, TestResponse.Parser)).ResponseOrThrow().Success);
        Assert.Equal("orders", (await d.UnaryAsync(DestinationService + "DescribeTable", new DescribeTableRequest { TableName = "orders" }, DescribeTableResponse.Parser)).ResponseOrThrow().Table.Name);
        Assert.True((await d.UnaryAsync(DestinationService + "DescribeTable", new DescribeTableRequest { TableName = "missing" }, DescribeTableResponse.Parser)).ResponseOrThrow().NotFound);
        Assert.True((await d.UnaryAsync(DestinationService + "CreateTable", new CreateTableRequest { Table = new Table { Name = "t" } }, CreateTableResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await d.UnaryAsync(DestinationService + "AlterTable", new AlterTableRequest { Table = new Table { Name = "t" } }, AlterTableResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await d.UnaryAsync(DestinationService + "Truncate", new TruncateRequest { TableName = "t" }, TruncateResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await d.UnaryAsync(DestinationService + "WriteBatch", new WriteBatchRequest(), WriteBatchResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await d.UnaryAsync(DestinationService + "WriteHistoryBatch", new WriteHistoryBatchRequest(), WriteBatchResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await d.UnaryAsync(DestinationService + "Migrate", new MigrateRequest(), MigrateResponse.Parser)).ResponseOrThrow().Unsupported);
    }

    [Theory]
    [InlineData("InvalidArgument", StatusCode.InvalidArgument)]
    [InlineData("NotFound", StatusCode.NotFound)]
    [InlineData("AlreadyExists", StatusCode.AlreadyExists)]
    [InlineData("FailedPrecondition", StatusCode.FailedPrecondition)]
    [InlineData("Unimplemented", StatusCode.Unimplemented)]
    [InlineData("Unavailable", StatusCode.Unavailable)]
    [InlineData("Internal", StatusCode.Internal)]
    public async Task Connector_exception_becomes_its_status_with_the_message_and_a_severe_line(string kind, StatusCode expected)
    {
        var message = $"{kind}: \"quoted\" 100% caf\u00e9\nline two";
        var request = new CreateTableRequest { Configuration = { ["behaviour"] = "connector-error", ["kind"] = kind, ["message"] = message } };

        var result = await fixture.Destination.UnaryAsync(DestinationService + "CreateTable", request, CreateTableResponse.Parser);

        Assert.Equal(expected, result.Status);
        Assert.Equal(message, result.Message);
        await fixture.Host.WaitForLogAsync(l => l.Level == "SEVERE" && l.Origin == "sdk_destination" && l.Message == $"ProbeDestination failed in CreateTable: {message}");
    }

    [Fact]
    public async Task Plain_exception_is_internal_logged_severe_and_the_host_keeps_serving()
    {
        var request = new SchemaRequest { Configuration = { ["behaviour"] = "plain-error", ["message"] = "kaboom-7" } };

        var result = await fixture.Source.UnaryAsync(SourceService + "Schema", request, SchemaResponse.Parser);

        Assert.Equal(StatusCode.Internal, result.Status);
        Assert.Equal("ProbeSource failed in Schema: InvalidOperationException: kaboom-7", result.Message);
        await fixture.Host.WaitForLogAsync(l => l.Level == "SEVERE" && l.Origin == "sdk_connector" && l.Message == result.Message);
        Assert.DoesNotContain(fixture.Host.Logs, l => l.Raw.Contains(" at ProbeSource", StringComparison.Ordinal));

        var update = await fixture.Source.ServerStreamingAsync(SourceService + "Update", new UpdateRequest { Configuration = { ["behaviour"] = "plain-error", ["message"] = "stream-boom" } }, UpdateResponse.Parser);
        Assert.Equal(StatusCode.Internal, update.Status);
        Assert.Equal("ProbeSource failed in Update: InvalidOperationException: stream-boom", update.Message);

        Assert.True((await fixture.Source.UnaryAsync(SourceService + "Test", new TestRequest { Name = "ok" }, TestResponse.Parser)).ResponseOrThrow().Success);
    }

    [Fact]
    public async Task Password_values_never_appear_in_the_host_logs()
    {
        var configuration = new Dictionary<string, string>
        {
            ["behaviour"] = "log-config",
            ["host"] = "visible-host-9",
            ["password"] = "pw-\"quoted\"-secret",
            ["useToken"] = "true",
            ["apiToken"] = "token-value-123",
        };
        var request = new TestRequest { Name = "ok", Configuration = { configuration } };

        (await fixture.Source.UnaryAsync(SourceService + "Test", request, TestResponse.Parser)).ResponseOrThrow();

        var line = await fixture.Host.WaitForLogAsync(l => l.Message!.Contains("visible-host-9", StringComparison.Ordinal));
        Assert.Contains("***", line.Message);
        Assert.All(fixture.Host.Logs, l =>
        {
            Assert.DoesNotContain("quoted\"-secret", l.Message ?? l.Raw);
            Assert.DoesNotContain("token-value-123", l.Raw);
        });
    }

    [Fact]
    public async Task Large_answer_of_a_plugin_is_delivered_whole()
    {
        var request = new TestRequest { Name = "connect", Configuration = { ["responseBytes"] = (8 * 1024 * 1024).ToString() } };

        var test = (await fixture.Source.UnaryAsync(SourceService + "Test", request, TestResponse.Parser)).ResponseOrThrow();

        Assert.Equal(8 * 1024 * 1024, test.Failure.Length);
    }

    [Fact]
    public async Task Deadline_cancels_the_plugin_and_answers_deadline_exceeded()
    {
        var request = new WriteBatchRequest { Configuration = { ["behaviour"] = "slow" } };

        var result = await fixture.Destination.UnaryAsync(DestinationService + "WriteBatch", request, WriteBatchResponse.Parser,
            new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(StatusCode.DeadlineExceeded, result.Status);
        await fixture.Host.WaitForLogAsync(l => l.Message == "write batch cancelled" && l.Origin == "sdk_destination");
    }
}
