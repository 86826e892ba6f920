using System.Security.Cryptography;
using ConnectorHost.Tests.Support;
using FivetranSdk.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ConnectorHost.Tests.Routing;

/// <summary>
/// Each DestinationConnector RPC reaches the plugin method of the same name with every field intact (files in order,
/// keys, file params, table, flags): the probe echoes what it received and the test compares it with what it sent.
/// </summary>
public sealed class DestinationRoutingTests(ProbeHostFixture fixture) : IClassFixture<ProbeHostFixture>
{
    private static readonly Table Orders = new()
    {
        Name = "orders",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "amount", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 20, Scale = 4 } } },
        },
    };

    private static readonly FileParams Params = new()
    {
        Compression = Compression.Gzip,
        Encryption = Encryption.Aes,
        NullString = "null-marker",
        UnmodifiedString = "unmodified-marker",
    };

    private readonly DestinationConnector.DestinationConnectorClient _client = fixture.Host.DestinationClient;

    [Fact]
    public async Task CreateTable_and_AlterTable_reach_their_own_plugin_methods_with_the_table_and_flags()
    {
        var create = Echoing(new CreateTableRequest { SchemaName = "routing_create", Table = Orders });
        await _client.CreateTableAsync(create);
        var alter = Echoing(new AlterTableRequest { SchemaName = "routing_alter", Table = Orders, DropColumns = true });
        await _client.AlterTableAsync(alter);

        Assert.Equal(Sent(create), await ReceivedAsync<CreateTableRequest>("CreateTable", "routing_create"));
        Assert.Equal(Sent(alter), await ReceivedAsync<AlterTableRequest>("AlterTable", "routing_alter"));
    }

    [Fact]
    public async Task WriteBatch_reaches_the_plugin_with_every_file_in_order_its_key_and_the_file_params()
    {
        var request = Echoing(new WriteBatchRequest
        {
            SchemaName = "routing_write",
            Table = Orders,
            FileParams = Params,
            ReplaceFiles = { "/data/r1.csv.gz.aes", "/data/r2.csv.gz.aes" },
            UpdateFiles = { "/data/u1.csv.gz.aes" },
            DeleteFiles = { "/data/d1.csv.gz.aes" },
        });
        foreach (var (file, seed) in request.ReplaceFiles.Concat(request.UpdateFiles).Concat(request.DeleteFiles).Select((f, i) => (f, i)))
        {
            request.Keys[file] = ByteString.CopyFrom(Enumerable.Range(seed * 32, 32).Select(b => (byte)b).ToArray());
        }

        Assert.True((await _client.WriteBatchAsync(request)).Success);

        Assert.Equal(Sent(request), await ReceivedAsync<WriteBatchRequest>("WriteBatch", "routing_write"));
    }

    [Fact]
    public async Task WriteHistoryBatch_and_Truncate_reach_the_plugin_intact()
    {
        var history = Echoing(new WriteHistoryBatchRequest
        {
            SchemaName = "routing_history",
            Table = Orders,
            FileParams = Params,
            EarliestStartFiles = { "/data/e.csv.gz.aes" },
            ReplaceFiles = { "/data/r.csv.gz.aes" },
            UpdateFiles = { "/data/u.csv.gz.aes" },
            DeleteFiles = { "/data/d.csv.gz.aes" },
            Keys = { ["/data/e.csv.gz.aes"] = ByteString.CopyFrom(new byte[32]) },
        });
        Assert.True((await _client.WriteHistoryBatchAsync(history)).Success);
        var truncate = Echoing(new TruncateRequest
        {
            SchemaName = "routing_truncate",
            TableName = "orders",
            SyncedColumn = "_fivetran_synced",
            UtcDeleteBefore = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero)),
            Soft = new SoftTruncate { DeletedColumn = "_fivetran_deleted" },
        });
        Assert.True((await _client.TruncateAsync(truncate)).Success);

        Assert.Equal(Sent(history), await ReceivedAsync<WriteHistoryBatchRequest>("WriteHistoryBatch", "routing_history"));
        Assert.Equal(Sent(truncate), await ReceivedAsync<TruncateRequest>("Truncate", "routing_truncate"));
    }

    private static T Echoing<T>(T request)
        where T : IMessage<T>
    {
        var configuration = (IDictionary<string, string>)request.Descriptor.FindFieldByName("configuration").Accessor.GetValue(request);
        configuration["echo"] = "true";
        return request;
    }

    /// <summary>What the probe should log: the request without its configuration, each key as its SHA-256.</summary>
    private static T Sent<T>(T request)
        where T : IMessage<T>
    {
        var expected = request.Clone();
        expected.Descriptor.FindFieldByName("configuration").Accessor.Clear(expected);
        if (expected.Descriptor.FindFieldByName("keys")?.Accessor.GetValue(expected) is IDictionary<string, ByteString> keys)
        {
            foreach (var file in keys.Keys.ToList())
            {
                keys[file] = ByteString.CopyFrom(SHA256.HashData(keys[file].Span));
            }
        }

        return expected;
    }

    private async Task<T> ReceivedAsync<T>(string rpc, string schema)
        where T : IMessage<T>, new()
    {
        var prefix = $"received {rpc} ";
        var line = await fixture.Host.WaitForLogAsync(
            l => l.Message is { } m && m.StartsWith(prefix, StringComparison.Ordinal) && m.Contains($"\"{schema}\"", StringComparison.Ordinal),
            what: $"the probe's echo of {rpc} for {schema}");
        Assert.Equal("sdk_destination", line.Origin);
        return JsonParser.Default.Parse<T>(line.Message![prefix.Length..]);
    }
}
