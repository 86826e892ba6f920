using ConnectorHost.Tests.Support;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>Every DestinationConnector RPC through the real host reaches the plugin and comes back unchanged.</summary>
[Collection(ProbeHostCollection.Name)]
public sealed class DestinationDispatchTests(ProbeHostFixture host)
{
    private static readonly Table Table = new() { Name = "orders", Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true } } };

    [Fact]
    public async Task ConfigurationForm_returns_the_plugins_form()
    {
        var form = (await Rpc.Unary(() => host.Host.DestinationClient.ConfigurationFormAsync(new ConfigurationFormRequest()))).ResponseOrThrow();

        Assert.Equal(["host", "password", "useToken", "tokenFields"], form.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task Capabilities_returns_the_batch_file_format()
    {
        var capabilities = (await Rpc.Unary(() => host.Host.DestinationClient.CapabilitiesAsync(new CapabilitiesRequest()))).ResponseOrThrow();

        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
    }

    [Fact]
    public async Task Test_passes_name_and_configuration_to_the_plugin()
    {
        var ok = await Rpc.Unary(() => host.Host.DestinationClient.TestAsync(new TestRequest { Name = "ok" }));
        var failing = await Rpc.Unary(() => host.Host.DestinationClient.TestAsync(new TestRequest { Name = "connect", Configuration = { ["x"] = "1" } }));

        Assert.True(ok.ResponseOrThrow().Success);
        Assert.Equal("configuration entries: 1", failing.ResponseOrThrow().Failure);
    }

    [Fact]
    public async Task DescribeTable_returns_the_table_or_not_found()
    {
        var found = (await Rpc.Unary(() => host.Host.DestinationClient.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "orders" }))).ResponseOrThrow();
        var missing = (await Rpc.Unary(() => host.Host.DestinationClient.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "missing" }))).ResponseOrThrow();

        Assert.Equal("orders", found.Table.Name);
        Assert.True(missing.NotFound);
    }

    [Fact]
    public async Task CreateTable_AlterTable_Truncate_answer_success()
    {
        var create = await Rpc.Unary(() => host.Host.DestinationClient.CreateTableAsync(new CreateTableRequest { SchemaName = "s", Table = Table }));
        var alter = await Rpc.Unary(() => host.Host.DestinationClient.AlterTableAsync(new AlterTableRequest { SchemaName = "s", Table = Table }));
        var truncate = await Rpc.Unary(() => host.Host.DestinationClient.TruncateAsync(new TruncateRequest { SchemaName = "s", TableName = "orders", SyncedColumn = "_fivetran_synced" }));

        Assert.True(create.ResponseOrThrow().Success);
        Assert.True(alter.ResponseOrThrow().Success);
        Assert.True(truncate.ResponseOrThrow().Success);
    }

    [Fact]
    public async Task WriteBatch_and_WriteHistoryBatch_answer_success()
    {
        var write = await Rpc.Unary(() => host.Host.DestinationClient.WriteBatchAsync(new WriteBatchRequest { SchemaName = "s", Table = Table, ReplaceFiles = { "/tmp/none.csv" } }));
        var history = await Rpc.Unary(() => host.Host.DestinationClient.WriteHistoryBatchAsync(new WriteHistoryBatchRequest { SchemaName = "s", Table = Table }));

        Assert.True(write.ResponseOrThrow().Success);
        Assert.True(history.ResponseOrThrow().Success);
    }

    [Fact]
    public async Task Migrate_returns_the_plugins_answer()
    {
        var migrate = (await Rpc.Unary(() => host.Host.DestinationClient.MigrateAsync(new MigrateRequest()))).ResponseOrThrow();

        Assert.True(migrate.Unsupported);
    }

    [Fact]
    public async Task Each_contract_is_only_on_its_own_port_without_the_port_option()
    {
        // The source contract, asked on the destination's port.
        var result = await Rpc.Unary(() => host.Host.DestinationPortClients.Source.ConfigurationFormAsync(new ConfigurationFormRequest()));

        Assert.Equal(Grpc.Core.StatusCode.Unimplemented, result.Status);
    }
}
