using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

public sealed class TypedAccessTests : IDisposable
{
    private readonly BatchFileFixture _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Reads one cell of a one-row file whose column "v" has <paramref name="type"/>.</summary>
    private T Cell<T>(DataType type, string cell, Func<BatchFileReader, int, T> get)
    {
        var table = new Table
        {
            Name = "t",
            Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "v", Type = type } },
        };
        var quoted = cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
        using var reader = _files.Open($"id,v\n1,{quoted}\n", table);
        Assert.True(reader.Read());
        return get(reader, 1);
    }

    private object? Value(DataType type, string cell) => Cell(type, cell, (r, i) => r.GetValue(i));

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("TRUE", true)]
    [InlineData("False", false)]
    public void Booleans(string cell, bool expected) => Assert.Equal(expected, Value(DataType.Boolean, cell));

    [Fact]
    public void Integers_at_their_extremes()
    {
        Assert.Equal(short.MinValue, Value(DataType.Short, "-32768"));
        Assert.Equal(short.MaxValue, Value(DataType.Short, "32767"));
        Assert.Equal(int.MinValue, Value(DataType.Int, "-2147483648"));
        Assert.Equal(int.MaxValue, Value(DataType.Int, "2147483647"));
        Assert.Equal(long.MinValue, Value(DataType.Long, "-9223372036854775808"));
        Assert.Equal(long.MaxValue, Value(DataType.Long, "9223372036854775807"));
        Assert.Equal(0L, Value(DataType.Long, "0"));
    }

    [Theory]
    [InlineData(DataType.Short, "32768", "SHORT")]
    [InlineData(DataType.Int, "2147483648", "INT")]
    [InlineData(DataType.Long, "9223372036854775808", "LONG")]
    [InlineData(DataType.Long, "1.5", "LONG")]
    [InlineData(DataType.Int, "", "INT")]
    [InlineData(DataType.Boolean, "yes", "BOOLEAN")]
    [InlineData(DataType.Decimal, "1.2.3", "DECIMAL")]
    [InlineData(DataType.Decimal, "1e", "DECIMAL")]
    [InlineData(DataType.NaiveDate, "2024-02-30", "NAIVE_DATE")]
    [InlineData(DataType.NaiveTime, "24:00:00", "NAIVE_TIME")]
    [InlineData(DataType.NaiveDatetime, "2024-01-01 10:00:00Z", "NAIVE_DATETIME")]
    [InlineData(DataType.UtcDatetime, "2024-01-01T10:00:00X", "UTC_DATETIME")]
    [InlineData(DataType.Binary, "not base64!", "BINARY")]
    [InlineData(DataType.Double, "1,5", "DOUBLE")]
    public void Values_that_do_not_fit_their_type_are_errors(DataType type, string cell, string typeName)
    {
        var error = Assert.Throws<BatchFileException>(() => Value(type, cell));
        Assert.Contains($"row 1, column 'v': value {BatchFileException.Quote(cell)} is not a valid {typeName}", error.Message);
    }

    [Theory]
    [InlineData("12345.123456789012345", "12345.123456789012345")]
    [InlineData("12345678901234567890123456789012345678", "12345678901234567890123456789012345678")]
    [InlineData("-1234567890123456789012345678.9012345678", "-1234567890123456789012345678.9012345678")]
    [InlineData("0.0000000000000000000000000000000000001", "0.0000000000000000000000000000000000001")]
    [InlineData("1E+10", "10000000000")]
    [InlineData("1.23E-7", "0.000000123")]
    [InlineData("-4.5e2", "-450")]
    [InlineData("+007.50", "7.50")]
    [InlineData(".5", "0.5")]
    [InlineData("-0", "0")]
    [InlineData("5.", "5")]
    public void Decimals_keep_every_digit_in_plain_notation(string cell, string expected)
    {
        Assert.Equal(expected, Value(DataType.Decimal, cell));
    }

    [Fact]
    public void Doubles_and_floats_including_extremes_and_special_values()
    {
        Assert.Equal(100.123456789, Value(DataType.Double, "100.123456789"));
        Assert.Equal(-2.2250738585072014E-308, Value(DataType.Double, "-2.2250738585072014E-308"));
        Assert.Equal(double.MaxValue, Value(DataType.Double, "1.7976931348623157E308"));
        Assert.Equal(double.Epsilon, Value(DataType.Double, "4.9E-324"));
        Assert.Equal(double.NaN, Value(DataType.Double, "NaN"));
        Assert.Equal(double.PositiveInfinity, Value(DataType.Double, "Infinity"));
        Assert.Equal(double.NegativeInfinity, Value(DataType.Double, "-Infinity"));
        Assert.Equal(-0.0, (double)Value(DataType.Double, "-0.0")!);
        Assert.True(double.IsNegative((double)Value(DataType.Double, "-0.0")!));
        Assert.Equal(3.4028235E+38f, Value(DataType.Float, "3.4028235E38"));
        Assert.Equal(10.12f, Value(DataType.Float, "10.12"));
        Assert.Equal(1.4E-45f, Value(DataType.Float, "1.4E-45"));
    }

    [Fact]
    public void The_plain_double_fast_path_agrees_with_the_general_parser()
    {
        var random = new Random(7);
        var texts = Enumerable.Range(0, 5000)
            .Select(_ => (random.NextDouble() * Math.Pow(10, random.Next(-5, 12))).ToString("F" + random.Next(0, 9), System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["0", "-0", "123456789012345", "1234567890123456", "0.1", "0.30000000000000004", "999999999999999.9"])
            .ToList();
        var table = new Table
        {
            Name = "t",
            Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "v", Type = DataType.Double } },
        };
        using var reader = _files.Open("id,v\n" + string.Concat(texts.Select((t, i) => $"{i},{t}\n")), table);
        foreach (var text in texts)
        {
            Assert.True(reader.Read());
            var expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(reader.GetDouble(1)));
        }
    }

    [Fact]
    public void Naive_dates_times_and_datetimes()
    {
        Assert.Equal(new DateOnly(2007, 12, 3), Value(DataType.NaiveDate, "2007-12-03"));
        Assert.Equal(new DateOnly(2024, 2, 29), Value(DataType.NaiveDate, "2024-02-29"));
        Assert.Equal(new TimeOnly(10, 15, 30), Value(DataType.NaiveTime, "10:15:30"));
        Assert.Equal(new TimeOnly(10, 15), Value(DataType.NaiveTime, "10:15"));
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), Value(DataType.NaiveTime, "23:59:59.999999"));
        Assert.Equal(new TimeOnly(1, 2, 3).Add(TimeSpan.FromTicks(1234567)), Value(DataType.NaiveTime, "01:02:03.123456789"));
        var naive = (DateTime)Value(DataType.NaiveDatetime, "2007-12-03T10:15:30")!;
        Assert.Equal(new DateTime(2007, 12, 3, 10, 15, 30), naive);
        Assert.Equal(DateTimeKind.Unspecified, naive.Kind);
        Assert.Equal(new DateTime(2023, 10, 27, 15, 0, 0, 123), Value(DataType.NaiveDatetime, "2023-10-27T15:00:00.123"));
        Assert.Equal(new DateTime(2023, 10, 27, 15, 0, 0), Value(DataType.NaiveDatetime, "2023-10-27T15:00"));
    }

    [Theory]
    [InlineData("2024-01-01T10:00:00Z", 0)]
    [InlineData("2024-01-01T10:00:00.123Z", 1_230_000)]
    [InlineData("2024-01-01T10:00:00.123456Z", 1_234_560)]
    [InlineData("2024-01-01T10:00:00.123456789Z", 1_234_567)]
    [InlineData("2024-01-01T10:00:00.000Z", 0)]
    [InlineData("2024-01-01T10:00:00+00:00", 0)]
    [InlineData("2024-01-01T12:00:00+02:00", 0)]
    [InlineData("2024-01-01T04:30:00-0530", 0)]
    [InlineData("2024-01-01 10:00:00Z", 0)]
    [InlineData("2024-01-01T10:00:00", 0)]
    public void Utc_datetimes_with_and_without_fraction_and_offsets(string cell, long extraTicks)
    {
        var value = (DateTimeOffset)Value(DataType.UtcDatetime, cell)!;
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(extraTicks), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void Binary_is_base64_decoded_and_text_types_are_strings()
    {
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, Value(DataType.Binary, Convert.ToBase64String([0, 1, 2, 250, 255])));
        Assert.Equal(Array.Empty<byte>(), Value(DataType.Binary, ""));
        Assert.Equal("{\"a\": 123}", Value(DataType.Json, "{\"a\": 123}"));
        Assert.Equal("<tag>This is xml</tag>", Value(DataType.Xml, "<tag>This is xml</tag>"));
        Assert.Equal("This is text", Value(DataType.String, "This is text"));
    }

    [Fact]
    public void Raw_text_stays_available_next_to_the_typed_value()
    {
        Assert.Equal("1E+10", Cell(DataType.Decimal, "1E+10", (r, i) => r.GetRawString(i)));
        Assert.Equal("2024-01-01T10:00:00.123Z"u8.ToArray(), Cell(DataType.UtcDatetime, "2024-01-01T10:00:00.123Z", (r, i) => r.GetRawUtf8(i).ToArray()));
    }

    [Fact]
    public void Typed_getters_refuse_null_and_unmodified_cells()
    {
        var table = new Table
        {
            Name = "t",
            Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "v", Type = DataType.Long } },
        };
        using var reader = _files.Open($"id,v\n1,{BatchFileWriter.DefaultNullString}\n2,{BatchFileWriter.DefaultUnmodifiedString}\n", table);
        Assert.True(reader.Read());
        Assert.True(reader.IsNull(1));
        Assert.Null(reader.GetValue(1));
        Assert.Throws<InvalidOperationException>(() => reader.GetInt64(1));
        Assert.True(reader.Read());
        Assert.True(reader.IsUnmodified(1));
        var error = Assert.Throws<InvalidOperationException>(() => reader.GetValue(1));
        Assert.Contains("unmodified", error.Message);
    }

    [Fact]
    public void Writer_values_round_trip_through_the_typed_getters()
    {
        var table = new Table { Name = "all" };
        var columns = new (string Name, DataType Type, object? Value)[]
        {
            ("id", DataType.Long, 42L),
            ("b", DataType.Boolean, true),
            ("s", DataType.Short, (short)-7),
            ("i", DataType.Int, 123456),
            ("f", DataType.Float, 1.5f),
            ("d", DataType.Double, 0.1 + 0.2),
            ("m", DataType.Decimal, "98765432109876543210987654321.123456789"),
            ("date", DataType.NaiveDate, new DateOnly(2020, 2, 29)),
            ("time", DataType.NaiveTime, new TimeOnly(13, 14, 15, 16)),
            ("dt", DataType.NaiveDatetime, new DateTime(2021, 3, 4, 5, 6, 7, 8)),
            ("utc", DataType.UtcDatetime, new DateTimeOffset(2022, 5, 6, 7, 8, 9, 10, TimeSpan.Zero)),
            ("bin", DataType.Binary, new byte[] { 1, 2, 3, 4, 5 }),
            ("json", DataType.Json, "{\"k\": [1, \"two\"]}"),
            ("xml", DataType.Xml, "<a b=\"c\">d</a>"),
            ("str", DataType.String, "multi\nline, \"quoted\" \\ text"),
            ("nul", DataType.String, null),
        };
        foreach (var (name, type, _) in columns)
        {
            table.Columns.Add(new Column { Name = name, Type = type, PrimaryKey = name == "id" });
        }
        var path = _files.NewPath();
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        byte[] key;
        using (var writer = BatchFileWriter.Create(path, fileParams, columns.Select(c => c.Name).ToArray()))
        {
            writer.WriteRow(columns.Select(c => c.Value).ToArray());
            key = writer.Key!;
        }
        using var reader = BatchFileReader.Open(path, fileParams, key, table);
        Assert.True(reader.Read());
        for (var i = 0; i < columns.Length; i++)
        {
            Assert.Equal(columns[i].Value, reader.GetValue(reader.GetOrdinal(columns[i].Name)));
        }
        Assert.False(reader.Read());
    }
}
