using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using SqlDestinations;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>
/// The proof that lets the SQL destinations skip their duplicate-key query: it may only say "no key repeats" when
/// none does, so every way two keys can be equal in the database must break it.
/// </summary>
public sealed class KeyOrderProofTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "key-order-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TableDefinition Table(params ColumnDefinition[] columns) => new("s", "t", columns);

    private static ColumnDefinition Col(string name, DataType type, bool key = false) => new(name, type, key, null, null, null);

    private (bool Keys, bool KeysAndStart) Prove(TableDefinition table, params string[][] rows)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv.zst.aes");
        var fileParams = BatchFileWriter.Params();
        byte[] key;
        using (var writer = BatchFileWriter.Create(path, fileParams, table.Columns.Select(c => c.Name).ToList()))
        {
            foreach (var row in rows)
            {
                writer.WriteRawRow(row);
            }

            key = writer.Key!;
        }

        using var reader = BatchFileReader.Open(path, fileParams, key, table.ToProto());
        var proof = new KeyOrderProof(reader, table);
        while (reader.Read())
        {
            proof.Observe();
        }

        return (proof.KeysIncreasing, proof.KeysAndStartIncreasing);
    }

    private static readonly TableDefinition LongKey = Table(Col("id", DataType.Long, key: true), Col("v", DataType.String));

    [Fact]
    public void Increasing_integer_keys_are_proven_distinct() =>
        Assert.True(Prove(LongKey, ["1", "a"], ["2", "b"], ["10", "c"]).Keys);

    [Fact]
    public void A_repeated_key_even_written_differently_is_not()
    {
        Assert.False(Prove(LongKey, ["1", "a"], ["2", "b"], ["2", "c"]).Keys);
        Assert.False(Prove(LongKey, ["1", "a"], ["7", "b"], ["007", "c"]).Keys);
    }

    [Fact]
    public void Keys_out_of_order_prove_nothing_even_when_distinct() =>
        Assert.False(Prove(LongKey, ["2", "a"], ["1", "b"], ["3", "c"]).Keys);

    [Fact]
    public void String_keys_compare_by_their_bytes()
    {
        var table = Table(Col("k", DataType.String, key: true));
        Assert.True(Prove(table, ["a"], ["b"], ["ba"], ["é"]).Keys);
        Assert.False(Prove(table, ["a"], ["b"], ["b"]).Keys);
    }

    [Fact]
    public void A_composite_key_orders_by_its_columns_in_turn()
    {
        var table = Table(Col("a", DataType.Int, key: true), Col("b", DataType.String, key: true));
        Assert.True(Prove(table, ["1", "x"], ["1", "y"], ["2", "a"]).Keys);
        Assert.False(Prove(table, ["1", "x"], ["2", "a"], ["2", "a"]).Keys);
    }

    [Fact]
    public void Keys_of_types_the_database_may_equate_differently_prove_nothing()
    {
        Assert.False(Prove(Table(Col("d", DataType.Decimal, key: true)), ["1.5"], ["2.50"]).Keys);
        Assert.False(Prove(Table(Col("f", DataType.Double, key: true)), ["1"], ["2"]).Keys);
    }

    [Fact]
    public void A_file_without_the_key_column_proves_nothing()
    {
        var written = Table(Col("v", DataType.String));
        var path = Path.Combine(_folder, "no-key.csv.zst.aes");
        var fileParams = BatchFileWriter.Params();
        byte[] key;
        using (var writer = BatchFileWriter.Create(path, fileParams, ["v"]))
        {
            writer.WriteRawRow(["a"]);
            writer.WriteRawRow(["b"]);
            key = writer.Key!;
        }

        using var reader = BatchFileReader.Open(path, fileParams, key, written.ToProto());
        var proof = new KeyOrderProof(reader, LongKey);
        while (reader.Read())
        {
            proof.Observe();
        }

        Assert.False(proof.KeysIncreasing);
    }

    private static readonly TableDefinition History = Table(
        Col("id", DataType.Long, key: true), Col("_fivetran_start", DataType.UtcDatetime, key: true),
        Col("_fivetran_end", DataType.UtcDatetime), Col("_fivetran_active", DataType.Boolean));

    [Fact]
    public void History_versions_of_one_key_in_start_order_are_distinct_versions_but_not_distinct_keys()
    {
        var proof = Prove(History,
            ["1", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "false"],
            ["1", "2024-01-02T00:00:00.001Z", "9999-12-31T23:59:59.999Z", "true"],
            ["2", "2024-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "true"]);
        Assert.False(proof.Keys);
        Assert.True(proof.KeysAndStart);
    }

    [Fact]
    public void Start_times_within_one_microsecond_prove_nothing()
    {
        var proof = Prove(History,
            ["1", "2024-01-01T00:00:00.0000001Z", "9999-12-31T23:59:59.999Z", "true"],
            ["1", "2024-01-01T00:00:00.0000005Z", "9999-12-31T23:59:59.999Z", "true"]);
        Assert.False(proof.KeysAndStart);
    }
}
