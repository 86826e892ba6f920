using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>The format a destination asks for, and reading whichever format arrives.</summary>
public abstract partial class DestinationConformance
{
    [Fact]
    public async Task Capabilities_asks_for_the_format_the_operator_set()
    {
        var capabilities = await H.Destination.Connector.CapabilitiesAsync(new CapabilitiesRequest(), default);
        Assert.Equal(H.Destination.BatchFileFormat, capabilities.BatchFileFormat);
    }

    [Fact]
    public async Task Csv_and_parquet_files_land_alike_whichever_format_was_asked_for()
    {
        // A DECIMAL key written as 1.5 in CSV arrives as 1.50 from a Parquet DECIMAL(10,2): it is the same record.
        var table = await H.CreateAsync(Table("mixed", Col("id", DataType.Int, pk: true), Decimal("price", 10, 2, pk: true), Col("v", DataType.String),
            Col("n", DataType.Long), Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean)));
        string[] header = ["id", "price", "v", "n", "_fivetran_synced", "_fivetran_deleted"];
        var u = Testing.BatchFiles.BatchFileWriter.Unmodified;
        await H.WriteAsync(table, replace:
        [
            H.File(BatchFileFormat.Csv, table, header, [1, "1.5", "from csv", 10L, S1, false], [3, "3", "csv, deleted next", 30L, S1, false]),
            H.File(BatchFileFormat.Parquet, table, header, [2, "2.25", "from parquet", 20L, S1, false], [4, "4", "parquet, deleted next", 40L, S1, false]),
        ]);
        await H.WriteAsync(table,
            update:
            [
                H.File(BatchFileFormat.Parquet, table, header, [1, "1.50", "csv row, parquet update", u, S1.AddSeconds(1), u]),
                H.File(BatchFileFormat.Csv, table, header, [2, "2.250", u, 21L, S1.AddSeconds(1), u]),
            ],
            delete:
            [
                H.File(BatchFileFormat.Parquet, table, ["id", "price", "_fivetran_synced"], [3, "3.00", S1.AddSeconds(1)]),
                H.File(BatchFileFormat.Csv, table, ["id", "price", "_fivetran_synced"], [4, "4.0", S1.AddSeconds(1)]),
            ]);
        await H.AssertRowsAsync("mixed", "id, price, v, n, _fivetran_synced",
            ["1", "1.5", "csv row, parquet update", "10", "2024-01-01T00:00:01Z"],
            ["2", "2.25", "from parquet", "21", "2024-01-01T00:00:01Z"]);
    }
}

/// <summary>The suite with CSV batch files, plus what only CSV bytes can show.</summary>
public abstract class CsvDestinationConformance() : DestinationConformance(BatchFileFormat.Csv)
{
    [Fact]
    public async Task A_string_that_is_not_utf8_fails_naming_file_row_and_column_and_nothing_is_applied()
    {
        var (table, before) = await SeedForBadInputAsync();
        var first = H.File(table, BadHeader, [3, 3, "three", S1]);
        var bad = H.CsvFile("not-utf8.csv.zst.aes", [.. "id,n,s,_fivetran_synced\n4,4,four,2024-01-01T00:00:00Z\n5,5,a"u8, 0xFF, 0xFE, .. "b,2024-01-01T00:00:00Z\n"u8]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, bad]), default), before,
            ConnectorErrorKind.InvalidArgument, bad, "row 2", "column 's'", "UTF-8");
    }

    [Fact]
    public async Task A_tampered_file_fails_and_nothing_is_applied()
    {
        var (table, before) = await SeedForBadInputAsync();
        var first = H.File(table, BadHeader, [3, 3, "three", S1]);
        var file = H.File(table, BadHeader, Enumerable.Range(10, 200).Select(i => new object?[] { i, i, "row " + i, S1 }).ToArray());
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, file]), default), before, ConnectorErrorKind.InvalidArgument, file);
    }
}

/// <summary>
/// The suite with Parquet batch files, plus damaged Parquet files: each fails with INVALID_ARGUMENT naming the file,
/// and the good file before it in the same batch is not applied either. (A wrong or missing key is the common case.)
/// </summary>
public abstract class ParquetDestinationConformance() : DestinationConformance(BatchFileFormat.Parquet)
{
    [Theory]
    [InlineData(16)] // a whole AES block gone: the new last block's padding does not check
    [InlineData(5)] // no longer a whole number of AES blocks
    public async Task A_cut_parquet_file_fails_and_nothing_is_applied(int bytesCut)
    {
        var (table, before) = await SeedForBadInputAsync();
        var first = H.File(table, BadHeader, [3, 3, "three", S1]);
        var file = H.File(table, BadHeader, Enumerable.Range(10, 200).Select(i => new object?[] { i, i, "row " + i, S1 }).ToArray());
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..^bytesCut]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, file]), default), before, ConnectorErrorKind.InvalidArgument, file);
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_fails_and_nothing_is_applied()
    {
        var (table, before) = await SeedForBadInputAsync();
        var first = H.File(table, BadHeader, [3, 3, "three", S1]);
        var noise = new byte[4096];
        new Random(13).NextBytes(noise);
        var random = H.RawFile("random.parquet.aes", noise);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, random]), default), before, ConnectorErrorKind.InvalidArgument, random);

        // Parquet's magic at both ends, nothing readable between.
        var fake = H.RawFile("fake.parquet.aes", [.. "PAR1"u8, .. noise[..300], .. "PAR1"u8]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, fake]), default), before, ConnectorErrorKind.InvalidArgument, fake, "Parquet");
    }

    [Fact]
    public async Task A_parquet_column_whose_type_does_not_fit_the_table_fails_naming_it_and_nothing_is_applied()
    {
        var (table, before) = await SeedForBadInputAsync();
        var first = H.File(table, BadHeader, [3, 3, "three", S1]);
        var asDouble = Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.Double), Col("s", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));
        var file = H.File(BatchFileFormat.Parquet, asDouble, BadHeader, [4, 4.5, "four", S1]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [first, file]), default), before, ConnectorErrorKind.InvalidArgument,
            file, "'n'", "DOUBLE", "INT");
    }
}
