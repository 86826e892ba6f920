using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Parquet;

public sealed class ParquetRoundTripTests : IDisposable
{
    private readonly ParquetFixture _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<Compression, Encryption> Layers => new()
    {
        { Compression.Zstd, Encryption.Aes },
        { Compression.Gzip, Encryption.Aes },
        { Compression.Off, Encryption.None },
        { Compression.Zstd, Encryption.None },
    };

    private static readonly DateTimeOffset Synced = new(2024, 5, 1, 12, 30, 15, 123, TimeSpan.Zero);

    private static object?[] FullRow(long id) =>
    [
        id, true, (short)-32768, int.MaxValue, 1.5f, -1234.5678e10, 123456789012.3456m, "héllo, \"world\"\n\u2603", "{\"a\": [1, 2]}", "<a b=\"c\"/>",
        new DateOnly(2024, 2, 29), new TimeOnly(23, 59, 58, 125), new DateTime(2024, 1, 2, 3, 4, 5, 600, DateTimeKind.Unspecified),
        new byte[] { 0, 1, 2, 255 }, Synced,
    ];

    [Theory]
    [MemberData(nameof(Layers))]
    public void Every_type_round_trips_through_GetValue(Compression compression, Encryption encryption)
    {
        var fileParams = ParquetBatchFileWriter.Params(compression, encryption);
        var nulls = new object?[15];
        nulls[0] = 2L;
        using var reader = _files.WriteAndOpen(ParquetTables.EveryType(), fileParams, [FullRow(1), nulls]);

        var rows = ParquetFixture.ReadAll(reader);

        Assert.Equal(2, rows.Count);
        object?[] expected =
        [
            1L, true, (short)-32768, int.MaxValue, 1.5f, -1234.5678e10, "123456789012.3456", "héllo, \"world\"\n\u2603", "{\"a\": [1, 2]}", "<a b=\"c\"/>",
            new DateOnly(2024, 2, 29), new TimeOnly(23, 59, 58, 125), new DateTime(2024, 1, 2, 3, 4, 5, 600, DateTimeKind.Unspecified),
            new byte[] { 0, 1, 2, 255 }, Synced,
        ];
        Assert.Equal(expected, rows[0]);
        Assert.Equal(nulls, rows[1]);
        Assert.Equal(2, reader.RowNumber);
    }

    [Fact]
    public void Typed_getters_read_each_type_and_the_schema_follows_the_guide()
    {
        using var reader = _files.WriteAndOpen(ParquetTables.EveryType(), ParquetBatchFileWriter.Params(), [FullRow(7)]);
        Assert.True(reader.Read());
        Assert.Equal(7L, reader.GetInt64(reader.GetOrdinal("id")));
        Assert.True(reader.GetBoolean(reader.GetOrdinal("flag")));
        Assert.Equal(short.MinValue, reader.GetInt16(reader.GetOrdinal("small")));
        Assert.Equal(int.MaxValue, reader.GetInt32(reader.GetOrdinal("count")));
        Assert.Equal(int.MaxValue, reader.GetInt64(reader.GetOrdinal("count")));
        Assert.Equal(1.5f, reader.GetSingle(reader.GetOrdinal("ratio")));
        Assert.Equal(1.5, reader.GetDouble(reader.GetOrdinal("ratio")));
        Assert.Equal("123456789012.3456", reader.GetDecimalString(reader.GetOrdinal("price")));
        Assert.Equal(Synced, reader.GetUtcDateTime(reader.GetOrdinal("_fivetran_synced")));
        Assert.Equal("2024-05-01T12:30:15.123Z", reader.GetString(reader.GetOrdinal("_fivetran_synced")));
        Assert.Equal("AAEC/w==", reader.GetString(reader.GetOrdinal("blob")));
        Assert.Equal([0, 1, 2, 255], reader.GetRawUtf8(reader.GetOrdinal("blob")).ToArray());
        Assert.Equal("héllo, \"world\"\n\u2603"u8.ToArray(), reader.GetRawUtf8(reader.GetOrdinal("name")).ToArray());
        Assert.Equal(DataType.Decimal, reader.GetDataType(reader.GetOrdinal("price")));
        Assert.Equal(ParquetTables.EveryType().Columns.Select(c => c.Name), reader.Columns);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Decimals_keep_every_digit_and_their_scale()
    {
        var table = new Table
        {
            Name = "d",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Int, PrimaryKey = true },
                new Column { Name = "v", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 28, Scale = 6 } } },
            },
        };
        using var reader = _files.WriteAndOpen(table, ParquetBatchFileWriter.Params(), [[1, 0m], [2, -0.000001m], [3, 1234567890123456789012.5m], [4, -7m]]);
        var values = ParquetFixture.ReadAll(reader).Select(r => r[1]).ToArray();
        Assert.Equal(["0.000000", "-0.000001", "1234567890123456789012.500000", "-7.000000"], values);
    }

    [Fact]
    public void Markers_in_text_and_binary_columns_are_null_and_unmodified_and_native_nulls_are_null()
    {
        var fileParams = ParquetBatchFileWriter.Params();
        var table = new Table
        {
            Name = "m",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
                new Column { Name = "name", Type = DataType.String },
                new Column { Name = "blob", Type = DataType.Binary },
                new Column { Name = "amount", Type = DataType.Double },
            },
        };
        var nullBytes = System.Text.Encoding.UTF8.GetBytes(fileParams.NullString);
        using var reader = _files.WriteAndOpen(table, fileParams,
        [
            [1L, fileParams.NullString, nullBytes, null],
            [2L, ParquetBatchFileWriter.Unmodified, ParquetBatchFileWriter.Unmodified, 2.5],
            [3L, "", Array.Empty<byte>(), 0.0],
            [4L, fileParams.NullString + " ", new byte[] { 1 }, -0.5],
        ]);

        Assert.True(reader.Read());
        Assert.Equal([CellState.Value, CellState.Null, CellState.Null, CellState.Null], States(reader));
        Assert.Equal(fileParams.NullString, reader.GetRawString(1));
        Assert.Equal(fileParams.NullString, reader.GetRawString(3));
        Assert.True(reader.Read());
        Assert.Equal([CellState.Value, CellState.Unmodified, CellState.Unmodified, CellState.Value], States(reader));
        Assert.True(reader.IsUnmodified(1));
        Assert.Equal(fileParams.UnmodifiedString, reader.GetRawString(1));
        var error = Assert.Throws<InvalidOperationException>(() => reader.GetString(1));
        Assert.Contains("Row 2, column 'name'", error.Message);
        Assert.True(reader.Read());
        Assert.Equal([CellState.Value, CellState.Value, CellState.Value, CellState.Value], States(reader));
        Assert.Equal("", reader.GetString(1));
        Assert.Empty(reader.GetBinary(2));
        Assert.True(reader.Read());
        Assert.Equal(fileParams.NullString + " ", reader.GetString(1));
        Assert.False(reader.Read());
    }

    private static CellState[] States(ParquetBatchFileReader reader) => Enumerable.Range(0, reader.Columns.Count).Select(reader.GetState).ToArray();

    [Fact]
    public void Typed_columns_written_as_text_carry_the_unmodified_marker_and_parse_like_csv()
    {
        var table = new Table
        {
            Name = "u",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
                new Column { Name = "amount", Type = DataType.Double },
                new Column { Name = "flag", Type = DataType.Boolean },
            },
        };
        using var reader = _files.WriteAndOpen(table, ParquetBatchFileWriter.Params(),
            [[1L, ParquetBatchFileWriter.Unmodified, true], [2L, 2.25, null]],
            textColumns: new HashSet<string> { "amount" });
        Assert.True(reader.Read());
        Assert.True(reader.IsUnmodified(1));
        Assert.True(reader.GetBoolean(2));
        Assert.True(reader.Read());
        Assert.Equal(2.25, reader.GetDouble(1));
        Assert.Equal(2.25, reader.GetValue(1));
        Assert.True(reader.IsNull(2));
    }

    [Fact]
    public void Decimal_38_keeps_every_digit_whatever_the_precision_and_text_values_are_read_like_csv_cells()
    {
        static Column Dec(string name, uint precision, uint scale) =>
            new() { Name = name, Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = precision, Scale = scale } } };
        var table = new Table { Name = "d", Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, Dec("wide", 38, 37), Dec("money", 6, 3), Dec("big", 38, 15) } };
        using var reader = _files.WriteAndOpen(table, ParquetBatchFileWriter.Params(),
        [
            ["1", "-9.9999999999999999999999999999999999999", "100.123", "12345678901234567890123.12345"],
            [2, "1.2345678901234567890123456789012345678", -0.5m, "1.5E+3"],
        ]);
        var rows = ParquetFixture.ReadAll(reader);
        Assert.Equal([1, "-9.9999999999999999999999999999999999999", "100.123", "12345678901234567890123.123450000000000"], rows[0]);
        Assert.Equal([2, "1.2345678901234567890123456789012345678", "-0.500", "1500.000000000000000"], rows[1]);
    }

    [Fact]
    public async Task Write_turns_typed_columns_that_need_it_into_string_columns_and_leaves_the_others_typed()
    {
        var table = new Table
        {
            Name = "w",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
                new Column { Name = "n", Type = DataType.Int },
                new Column { Name = "flag", Type = DataType.Boolean },
                new Column { Name = "price", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 10, Scale = 2 } } },
                new Column { Name = "blob", Type = DataType.Binary },
            },
        };
        var fileParams = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.None);
        var path = _files.NewPath("parquet");
        var written = ParquetBatchFileWriter.Write(path, fileParams, table.Columns,
        [
            [1L, ParquetBatchFileWriter.Unmodified, "true", "1.005", "AAH/"],
            [2L, "not-a-number", false, "2.5", ParquetBatchFileWriter.Unmodified],
        ]);
        Assert.True(written.Key.IsEmpty);
        using var reader = ParquetBatchFileReader.Open(path, fileParams, new Dictionary<string, Google.Protobuf.ByteString>(), table);

        // n (a marker, a bad number) and price (3 decimals for scale 2) are strings; flag and blob keep their types.
        await using (var parquet = await global::Parquet.ParquetReader.CreateAsync(path))
        {
            Assert.Equal([typeof(long), typeof(ReadOnlyMemory<char>), typeof(bool), typeof(ReadOnlyMemory<char>), typeof(ReadOnlyMemory<byte>)], parquet.Schema.GetDataFields().Select(f => f.ClrType));
        }

        Assert.True(reader.Read());
        Assert.True(reader.IsUnmodified(1));
        Assert.True(reader.GetBoolean(2));
        Assert.Equal("1.005", reader.GetRawString(3));
        Assert.Equal(new byte[] { 0, 1, 255 }, reader.GetBinary(4));
        Assert.True(reader.Read());
        Assert.Equal("not-a-number", reader.GetRawString(1));
        Assert.Throws<BatchFileException>(() => reader.GetInt32(1));
        Assert.Equal("2.5", reader.GetRawString(3));
        Assert.True(reader.IsUnmodified(4));
    }

    [Fact]
    public void The_writer_refuses_an_unmodified_marker_in_a_typed_column()
    {
        var path = _files.NewPath();
        using var writer = ParquetBatchFileWriter.Create(path, ParquetBatchFileWriter.Params(), ParquetTables.EveryType(), ["id", "amount"]);
        var error = Assert.Throws<ArgumentException>(() => writer.WriteRow(1L, ParquetBatchFileWriter.Unmodified));
        Assert.Contains("Column 'amount' is a typed Parquet column (Double)", error.Message);
    }

    [Fact]
    public void Many_row_groups_are_read_in_order_one_at_a_time()
    {
        var table = new Table
        {
            Name = "g",
            Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true }, new Column { Name = "name", Type = DataType.String } },
        };
        var rows = Enumerable.Range(1, 100).Select(i => new object?[] { (long)i, i % 10 == 0 ? null : $"row {i}" });
        using var reader = _files.WriteAndOpen(table, ParquetBatchFileWriter.Params(), rows, rowGroupSize: 7);

        Assert.Equal(15, reader.RowGroupCount);
        var seen = 0L;
        while (reader.Read())
        {
            seen++;
            Assert.Equal(seen, reader.RowNumber);
            Assert.Equal((int)((seen - 1) / 7) + 1, reader.RowGroupNumber);
            Assert.Equal(seen, reader.GetInt64(0));
            Assert.Equal(seen % 10 == 0 ? null : $"row {seen}", reader.IsNull(1) ? null : reader.GetString(1));
        }
        Assert.Equal(100, seen);
        Assert.False(reader.Read());
    }

    [Fact]
    public void An_empty_file_has_columns_and_no_rows()
    {
        using var reader = _files.WriteAndOpen(ParquetTables.EveryType(), ParquetBatchFileWriter.Params(), []);
        Assert.Equal(15, reader.Columns.Count);
        Assert.False(reader.Read());
        Assert.Equal(0, reader.RowNumber);
    }

    [Fact]
    public void Columns_the_table_lacks_are_read_as_their_parquet_values()
    {
        var fileTable = new Table
        {
            Name = "x",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
                new Column { Name = "extra_int", Type = DataType.Int },
                new Column { Name = "extra_text", Type = DataType.String },
            },
        };
        var (path, keys) = _files.Write(fileTable, ParquetBatchFileWriter.Params(), [[1L, 5, "five"]]);
        var readTable = new Table { Name = "x", Columns = { fileTable.Columns[0] } };
        using var reader = ParquetBatchFileReader.Open(path, ParquetBatchFileWriter.Params(), keys, readTable);
        Assert.True(reader.Read());
        Assert.Equal(DataType.Unspecified, reader.GetDataType(1));
        Assert.Equal(5, reader.GetValue(1));
        Assert.Equal("5", reader.GetString(1));
        Assert.Equal("five", reader.GetValue(2));
        Assert.Equal(-1, reader.GetOrdinal("missing"));
    }

    [Theory]
    [InlineData(Encryption.Aes)]
    [InlineData(Encryption.None)]
    public void The_format_is_told_by_the_decrypted_magic(Encryption encryption)
    {
        var fileParams = ParquetBatchFileWriter.Params(Compression.Zstd, encryption);
        var (parquet, parquetKeys) = _files.Write(ParquetTables.EveryType(), fileParams, [FullRow(1)]);
        var csv = _files.NewPath("csv");
        var csvKey = BatchFileWriter.WriteRaw(csv, fileParams, "id\n1\n");

        Assert.Equal(BatchFileFormat.Parquet, BatchFileFormatDetector.Detect(parquet, fileParams, encryption == Encryption.Aes ? parquetKeys[parquet].Span : default));
        Assert.Equal(BatchFileFormat.Csv, BatchFileFormatDetector.Detect(csv, fileParams, csvKey));
        if (encryption == Encryption.Aes)
        {
            Assert.Equal(BatchFileFormat.Csv, BatchFileFormatDetector.Detect(parquet, fileParams, new byte[32])); // wrong key: the CSV path reports it
        }
    }
}
