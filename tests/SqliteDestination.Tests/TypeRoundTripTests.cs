using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

public sealed class TypeRoundTripTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static readonly string[] Header =
        ["id", "b", "s", "i", "l", "dec", "f", "d", "date", "time", "dt", "utc", "bin", "json", "xml", "str"];

    private static Table AllTypes() => Table("types",
        Col("id", DataType.Int, pk: true), Col("b", DataType.Boolean), Col("s", DataType.Short), Col("i", DataType.Int),
        Col("l", DataType.Long), Decimal("dec", 38, 37), Col("f", DataType.Float), Col("d", DataType.Double),
        Col("date", DataType.NaiveDate), Col("time", DataType.NaiveTime), Col("dt", DataType.NaiveDatetime),
        Col("utc", DataType.UtcDatetime), Col("bin", DataType.Binary), Col("json", DataType.Json), Col("xml", DataType.Xml),
        Col("str", DataType.String));

    [Fact]
    public async Task Every_type_round_trips_exactly_including_extremes()
    {
        var table = await _h.CreateAsync(AllTypes());
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        const string unicode = "héllo 世界 🎉 \"quoted\", comma\nnew line \\ backslash";
        await _h.WriteAsync(table, replace: [_h.File(Header,
            [1, true, short.MinValue, int.MinValue, long.MinValue, "-9.9999999999999999999999999999999999999", float.MaxValue, double.MaxValue,
                new DateOnly(2007, 12, 3), new TimeOnly(10, 15, 30), new DateTime(2007, 12, 3, 10, 15, 30), new DateTimeOffset(2007, 12, 3, 10, 15, 30, 123, TimeSpan.Zero),
                bytes, "{\"a\": 123}", "<tag>This is xml</tag>", unicode],
            [2, false, short.MaxValue, int.MaxValue, long.MaxValue, "1.2345678901234567890123456789012345678", float.Epsilon, -2.2250738585072014E-308,
                new DateOnly(1, 1, 1), new TimeOnly(23, 59, 59, 999), new DateTime(9999, 12, 31, 23, 59, 59, 999), new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Array.Empty<byte>(), "[]", "<a/>", ""],
            [3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null])]);

        var rows = _h.Rows("types", string.Join(", ", Header.Select(h => $"\"{h}\"")), "id");
        Assert.Equal(new object?[]
        {
            1L, 1L, (long)short.MinValue, (long)int.MinValue, long.MinValue, "-9.9999999999999999999999999999999999999", (double)float.MaxValue, double.MaxValue,
            "2007-12-03", "10:15:30", "2007-12-03T10:15:30", "2007-12-03T10:15:30.123Z", bytes, "{\"a\": 123}", "<tag>This is xml</tag>", unicode,
        }, rows[0]);
        Assert.Equal(new object?[]
        {
            2L, 0L, (long)short.MaxValue, (long)int.MaxValue, long.MaxValue, "1.2345678901234567890123456789012345678", (double)float.Epsilon, -2.2250738585072014E-308,
            "0001-01-01", "23:59:59.999", "9999-12-31T23:59:59.999", "1970-01-01T00:00:00.000Z", Array.Empty<byte>(), "[]", "<a/>", "",
        }, rows[1]);
        Assert.All(rows[2].Skip(1), Assert.Null);
        Assert.Equal(float.MaxValue, (float)(double)rows[0][6]!);

        // DECIMAL is TEXT so SQLite never turns it into a float; the declared parameters are kept for DescribeTable.
        var described = (await _h.DescribeAsync("types")).Table;
        Assert.Equal(AllTypes(), described);
    }

    [Fact]
    public async Task Decimal_exponent_notation_is_expanded_without_precision_loss()
    {
        var table = await _h.CreateAsync(Table("dec", Col("id", DataType.Int, pk: true), Decimal("v", 38, 10)));
        await _h.WriteAsync(table, replace: [_h.File(["id", "v"], [1, "1.5E+3"], [2, "-0.000"], [3, "12345.1234567890"])]);
        Assert.Equal(["1500", "0", "12345.123456789"], _h.Rows("dec", "v", "id").Select(r => (string)r[0]!));
    }
}
