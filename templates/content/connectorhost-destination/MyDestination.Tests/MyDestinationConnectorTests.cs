using System.Text.Json;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Dispatch;
using FivetranSdk.V2;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MyDestination.Tests;

public sealed class MyDestinationConnectorTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mydestination-" + Guid.NewGuid().ToString("N"));
    private readonly MyDestinationConnector _connector;
    private readonly FivetranSdk.V2.Table _table = new() { Name = "users" };

    public MyDestinationConnectorTests()
    {
        Directory.CreateDirectory(_folder);
        _connector = new MyDestinationConnector(new PluginContext("MyDestination", AppContext.BaseDirectory, _folder, NullLoggerFactory.Instance));
        _table.Columns.Add(new Column { Name = "id", Type = DataType.Int, PrimaryKey = true });
        _table.Columns.Add(new Column { Name = "name", Type = DataType.String });
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_batch_lands_as_json_lines()
    {
        await _connector.CreateTableAsync(new CreateTableRequest { SchemaName = "crm", Table = _table }, CancellationToken.None);
        var file = Path.Combine(_folder, "replace.csv.zst.aes");
        var fileParams = BatchFileWriter.Params();
        byte[]? key;
        using (var writer = BatchFileWriter.Create(file, fileParams, ["id", "name"]))
        {
            writer.WriteRow(1, "Ada");
            writer.WriteRow(2, null);
            key = writer.Key;
        }

        var request = new WriteBatchRequest { SchemaName = "crm", Table = _table, FileParams = fileParams };
        request.ReplaceFiles.Add(file);
        request.Keys[file] = ByteString.CopyFrom(key);
        var response = await _connector.WriteBatchAsync(request, CancellationToken.None);

        Assert.Equal(WriteBatchResponse.ResponseOneofCase.Success, response.ResponseCase);
        var lines = File.ReadAllLines(Path.Combine(_folder, "crm.users.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.ToString()).ToList();
        Assert.Equal(["{\"_op\":\"upsert\",\"id\":\"1\",\"name\":\"Ada\"}", "{\"_op\":\"upsert\",\"id\":\"2\",\"name\":null}"], lines);
    }

    [Fact]
    public async Task A_file_with_the_wrong_key_is_refused_naming_the_file()
    {
        var file = Path.Combine(_folder, "replace.csv.zst.aes");
        var fileParams = BatchFileWriter.Params();
        using (var writer = BatchFileWriter.Create(file, fileParams, ["id", "name"]))
        {
            writer.WriteRow(1, "Ada");
        }

        var request = new WriteBatchRequest { SchemaName = "crm", Table = _table, FileParams = fileParams };
        request.ReplaceFiles.Add(file);
        request.Keys[file] = ByteString.CopyFrom(new byte[32]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => _connector.WriteBatchAsync(request, CancellationToken.None));

        Assert.Contains(file, failure.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "crm.users.jsonl")) && File.ReadAllText(Path.Combine(_folder, "crm.users.jsonl")).Length > 0);
    }

    [Fact]
    public async Task History_mode_is_refused_with_the_status_the_host_sends()
    {
        // Through the host's own dispatch, in process: the failure is what Fivetran's gRPC client receives.
        await using var dispatched = InProcessDispatch.Destination(_connector);

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            dispatched.Connector.WriteHistoryBatchAsync(new WriteHistoryBatchRequest { SchemaName = "crm", Table = _table }, CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, failure.StatusCode);
        Assert.Equal("History mode is not supported by MyDestination.", failure.Status.Detail);
    }
}
