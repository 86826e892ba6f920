using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>Every DestinationConnector RPC through the real host reaches the plugin and comes back unchanged.</summary>
[Collection(ProbeHostCollection.Name)]
public sealed class DestinationDispatchTests(ProbeHost host)
{
    private static readonly Table Table = new() { Name = "orders", Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true } } };

    [Fact]
    public async Task ConfigurationForm_returns_the_plugins_form()
    {
        var form = (await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser)).ResponseOrThrow();

        Assert.Equal(["host", "password", "useToken", "tokenFields"], form.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task Capabilities_returns_the_batch_file_format()
    {
        var capabilities = (await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "Capabilities", new CapabilitiesRequest(), CapabilitiesResponse.Parser)).ResponseOrThrow();

        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
    }

    [Fact]
    public async Task Test_passes_name_and_configuration_to_the_plugin()
    {
        var ok = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "Test", new TestRequest { Name = "ok" }, TestResponse.Parser);
        var failing = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "Test",
            new TestRequest { Name = "connect", Configuration = { ["x"] = "1" } }, TestResponse.Parser);

        Assert.True(ok.ResponseOrThrow().Success);
        Assert.Equal("configuration entries: 1", failing.ResponseOrThrow().Failure);
    }

    [Fact]
    public async Task DescribeTable_returns_the_table_or_not_found()
    {
        var found = (await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "DescribeTable",
            new DescribeTableRequest { SchemaName = "s", TableName = "orders" }, DescribeTableResponse.Parser)).ResponseOrThrow();
        var missing = (await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "DescribeTable",
            new DescribeTableRequest { SchemaName = "s", TableName = "missing" }, DescribeTableResponse.Parser)).ResponseOrThrow();

        Assert.Equal("orders", found.Table.Name);
        Assert.True(missing.NotFound);
    }

    [Fact]
    public async Task CreateTable_AlterTable_Truncate_answer_success()
    {
        var create = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "CreateTable",
            new CreateTableRequest { SchemaName = "s", Table = Table }, CreateTableResponse.Parser);
        var alter = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "AlterTable",
            new AlterTableRequest { SchemaName = "s", Table = Table }, AlterTableResponse.Parser);
        var truncate = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "Truncate",
            new TruncateRequest { SchemaName = "s", TableName = "orders", SyncedColumn = "_fivetran_synced" }, TruncateResponse.Parser);

        Assert.True(create.ResponseOrThrow().Success);
        Assert.True(alter.ResponseOrThrow().Success);
        Assert.True(truncate.ResponseOrThrow().Success);
    }

    [Fact]
    public async Task WriteBatch_and_WriteHistoryBatch_answer_success()
    {
        var write = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "WriteBatch",
            new WriteBatchRequest { SchemaName = "s", Table = Table, ReplaceFiles = { "/tmp/none.csv" } }, WriteBatchResponse.Parser);
        var history = await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "WriteHistoryBatch",
            new WriteHistoryBatchRequest { SchemaName = "s", Table = Table }, WriteBatchResponse.Parser);

        Assert.True(write.ResponseOrThrow().Success);
        Assert.True(history.ResponseOrThrow().Success);
    }

    [Fact]
    public async Task Migrate_returns_the_plugins_answer()
    {
        var migrate = (await host.DestinationClient.UnaryAsync(ProbeHost.Destination + "Migrate", new MigrateRequest(), MigrateResponse.Parser)).ResponseOrThrow();

        Assert.True(migrate.Unsupported);
    }

    [Fact]
    public async Task Each_contract_is_only_on_its_own_port_without_the_port_option()
    {
        var result = await host.DestinationClient.UnaryAsync(ProbeHost.Source + "ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser);

        Assert.Equal(Grpc.Core.StatusCode.Unimplemented, result.Status);
    }
}
