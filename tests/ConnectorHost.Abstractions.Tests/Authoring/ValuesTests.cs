using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ConnectorHost.Abstractions.Source;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ProtoValue = FivetranSdk.V2.ValueType;
using Case = FivetranSdk.V2.ValueType.InnerOneofCase;

namespace ConnectorHost.Abstractions.Tests.Authoring;

public class ValuesTests
{
    [Fact]
    public void Null_and_DBNull_are_null() =>
        Assert.All(new object?[] { null, DBNull.Value }, v => Assert.True(Values.From(v).Null));

    [Fact]
    public void Booleans() => Assert.Equal((Case.Bool, true), (Values.From(true).InnerCase, Values.From(true).Bool));

    [Fact]
    public void Shorts_including_bytes()
    {
        Assert.Equal((Case.Short, -12), (Values.From((short)-12).InnerCase, Values.From((short)-12).Short));
        Assert.Equal(255, Values.From((byte)255).Short);
        Assert.Equal(-128, Values.From((sbyte)-128).Short);
    }

    [Fact]
    public void Ints() => Assert.Equal((Case.Int, int.MinValue), (Values.From(int.MinValue).InnerCase, Values.From(int.MinValue).Int));

    [Fact]
    public void Longs_including_unsigned_that_fit()
    {
        Assert.Equal((Case.Long, long.MaxValue), (Values.From(long.MaxValue).InnerCase, Values.From(long.MaxValue).Long));
        Assert.Equal(uint.MaxValue, Values.From(uint.MaxValue).Long);
        Assert.Equal(long.MaxValue, Values.From((ulong)long.MaxValue).Long);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Values.From(ulong.MaxValue, "counter"));
        Assert.Contains("counter", error.Message);
    }

    [Fact]
    public void Floats_and_doubles()
    {
        Assert.Equal((Case.Float, 1.5f), (Values.From(1.5f).InnerCase, Values.From(1.5f).Float));
        Assert.Equal((Case.Double, 0.234), (Values.From(0.234).InnerCase, Values.From(0.234).Double));
    }

    [Theory]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-0.0000000000000000000000000001")]
    [InlineData("1.50")]
    public void Decimals_become_invariant_strings_without_precision_loss(string text)
    {
        var value = Values.From(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((Case.Decimal, text), (value.InnerCase, value.Decimal));
    }

    [Fact]
    public void A_38_digit_decimal_is_accepted_as_text()
    {
        const string digits = "-12345678901234567890123456789012345678.123";
        Assert.Equal(digits, Values.Decimal(digits).Decimal);
        Assert.Equal(digits, Values.From(new DecimalText(digits)).Decimal);
        Assert.Equal("123456789012345678901234567890123456789",
            Values.From(System.Numerics.BigInteger.Parse("123456789012345678901234567890123456789")).Decimal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1e5")]
    [InlineData("1,000")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("--1")]
    [InlineData(" 1")]
    public void Decimal_text_that_is_not_a_plain_number_is_refused(string text)
    {
        var error = Assert.Throws<FormatException>(() => Values.Decimal(text));
        Assert.Contains($"'{text}'", error.Message);
    }

    [Fact]
    public void Dates_are_naive_dates_at_midnight()
    {
        var value = Values.From(new DateOnly(2024, 2, 29));
        Assert.Equal(Case.NaiveDate, value.InnerCase);
        Assert.Equal(Timestamp.FromDateTime(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc)), value.NaiveDate);
        Assert.Equal(Timestamp.FromDateTime(new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc)), Values.From(new DateOnly(1900, 1, 1)).NaiveDate);
    }

    [Fact]
    public void Times_are_naive_times_on_the_epoch_day()
    {
        var value = Values.From(new TimeOnly(13, 45, 30, 123, 456));
        Assert.Equal(Case.NaiveTime, value.InnerCase);
        Assert.Equal(new Timestamp { Seconds = 13 * 3600 + 45 * 60 + 30, Nanos = 123_456_000 }, value.NaiveTime);
    }

    [Fact]
    public void Unspecified_and_local_DateTimes_are_naive_datetimes_of_their_wall_clock()
    {
        var wallClock = new DateTime(2024, 5, 6, 7, 8, 9, 10);
        var expected = Timestamp.FromDateTime(DateTime.SpecifyKind(wallClock, DateTimeKind.Utc));
        foreach (var kind in new[] { DateTimeKind.Unspecified, DateTimeKind.Local })
        {
            var value = Values.From(DateTime.SpecifyKind(wallClock, kind));
            Assert.Equal(Case.NaiveDatetime, value.InnerCase);
            Assert.Equal(expected, value.NaiveDatetime);
        }
    }

    [Fact]
    public void Utc_DateTimes_and_DateTimeOffsets_are_utc_datetimes()
    {
        var utc = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        Assert.Equal((Case.UtcDatetime, Timestamp.FromDateTime(utc)), (Values.From(utc).InnerCase, Values.From(utc).UtcDatetime));

        var offset = new DateTimeOffset(2024, 5, 6, 9, 8, 9, TimeSpan.FromHours(2));
        Assert.Equal((Case.UtcDatetime, Timestamp.FromDateTime(utc)), (Values.From(offset).InnerCase, Values.From(offset).UtcDatetime));
    }

    [Fact]
    public void Times_before_1970_keep_non_negative_nanos()
    {
        var value = Values.From(new DateTime(1969, 12, 31, 23, 59, 59, 500, DateTimeKind.Utc));
        Assert.Equal(new Timestamp { Seconds = -1, Nanos = 500_000_000 }, value.UtcDatetime);
    }

    [Fact]
    public void Bytes_are_binary()
    {
        byte[] bytes = [1, 2, 3, 255];
        var expected = ByteString.CopyFrom(bytes);
        Assert.Equal((Case.Binary, expected), (Values.From(bytes).InnerCase, Values.From(bytes).Binary));
        Assert.Equal(expected, Values.From(new ReadOnlyMemory<byte>(bytes)).Binary);
        Assert.Equal(expected, Values.From(new Memory<byte>(bytes)).Binary);
        Assert.Equal(expected, Values.From(new ArraySegment<byte>([0, 1, 2, 3, 255], 1, 4)).Binary);
    }

    [Fact]
    public void Strings()
    {
        Assert.Equal((Case.String, "héllo \"x\""), (Values.From("héllo \"x\"").InnerCase, Values.From("héllo \"x\"").String));
        Assert.Equal("c", Values.From('c').String);
        var id = Guid.NewGuid();
        Assert.Equal(id.ToString(), Values.From(id).String);
    }

    [Fact]
    public void Json_from_documents_elements_nodes_and_text()
    {
        const string json = "{\"a\":[1,2],\"b\":\"x\"}";
        using var document = JsonDocument.Parse(json);
        Assert.Equal((Case.Json, json), (Values.From(document).InnerCase, Values.From(document).Json));
        Assert.Equal(json, Values.From(document.RootElement).Json);
        Assert.Equal(json, Values.From(JsonNode.Parse(json)).Json);
        Assert.Equal(json, Values.From(new JsonText(json)).Json);
    }

    [Fact]
    public void Xml_from_elements_documents_and_text()
    {
        const string xml = "<a x=\"1\"><b>t</b></a>";
        Assert.Equal((Case.Xml, xml), (Values.From(XElement.Parse(xml)).InnerCase, Values.From(XElement.Parse(xml)).Xml));
        Assert.Equal(xml, Values.From(XDocument.Parse(xml)).Xml);
        Assert.Equal(xml, Values.From(new XmlText(xml)).Xml);
    }

    [Fact]
    public void A_ValueType_passes_through()
    {
        var value = new ProtoValue { Long = 5 };
        Assert.Same(value, Values.From(value));
    }

    [Fact]
    public void Unsupported_types_name_the_type_and_the_column()
    {
        var error = Assert.Throws<ArgumentException>(() => Values.From(TimeSpan.FromHours(1), "duration"));
        Assert.Contains("System.TimeSpan", error.Message);
        Assert.Contains("'duration'", error.Message);
        Assert.Equal("duration", error.ParamName);
    }
}
