using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ProtoValue = FivetranSdk.V2.ValueType;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// Converts CLR values to Fivetran <see cref="ProtoValue"/>s, one conversion per DataType:
/// bool → boolean; short/sbyte/byte → short; int/ushort → int; long/uint/ulong → long; float; double;
/// decimal/BigInteger/<see cref="DecimalText"/> → decimal (invariant digits, no precision lost);
/// DateOnly → naive_date; TimeOnly → naive_time; DateTime of kind Unspecified or Local → naive_datetime (its wall-clock
/// value), of kind Utc → utc_datetime; DateTimeOffset → utc_datetime (the instant); byte[]/ReadOnlyMemory&lt;byte&gt;/
/// Memory&lt;byte&gt;/ArraySegment&lt;byte&gt;/ByteString → binary; string/char/Guid → string;
/// JsonDocument/JsonElement/JsonNode/<see cref="JsonText"/> → json; XElement/XDocument/<see cref="XmlText"/> → xml;
/// null/DBNull → null. A <see cref="ProtoValue"/> is passed through.
/// </summary>
public static class Values
{
    private static readonly ProtoValue NullValue = new() { Null = true };
    private static readonly ProtoValue TrueValue = new() { Bool = true };
    private static readonly ProtoValue FalseValue = new() { Bool = false };

    /// <summary>The null value. Shared: do not modify it.</summary>
    public static ProtoValue Null => NullValue;

    /// <summary>Converts <paramref name="value"/>; <paramref name="column"/> only names the column in the error.</summary>
    /// <exception cref="ArgumentException">The value's type has no Fivetran DataType.</exception>
    public static ProtoValue From(object? value, string? column = null) => value switch
    {
        null or DBNull => NullValue,
        ProtoValue v => v,
        string s => String(s),
        double d => new ProtoValue { Double = d },
        long l => new ProtoValue { Long = l },
        int i => new ProtoValue { Int = i },
        bool b => b ? TrueValue : FalseValue,
        decimal m => Decimal(m),
        DateTime dt => DateTime(dt),
        DateTimeOffset dto => UtcDateTime(dto),
        DateOnly date => NaiveDate(date),
        TimeOnly time => NaiveTime(time),
        float f => new ProtoValue { Float = f },
        short s16 => new ProtoValue { Short = s16 },
        byte u8 => new ProtoValue { Short = u8 },
        sbyte s8 => new ProtoValue { Short = s8 },
        ushort u16 => new ProtoValue { Int = u16 },
        uint u32 => new ProtoValue { Long = u32 },
        ulong u64 => UnsignedLong(u64, column),
        BigInteger big => new ProtoValue { Decimal = big.ToString(CultureInfo.InvariantCulture) },
        DecimalText text => new ProtoValue { Decimal = text.Digits },
        byte[] bytes => Binary(bytes),
        ReadOnlyMemory<byte> rom => Binary(rom.Span),
        Memory<byte> mem => Binary(mem.Span),
        ArraySegment<byte> segment => Binary(segment.AsSpan()),
        ByteString byteString => new ProtoValue { Binary = byteString },
        char c => String(c.ToString()),
        Guid g => String(g.ToString("D")),
        JsonText json => Json(json.Text),
        JsonElement element => Json(element.GetRawText()),
        JsonDocument document => Json(document.RootElement.GetRawText()),
        JsonNode node => Json(node.ToJsonString()),
        XmlText xml => Xml(xml.Text),
        XDocument xdoc => Xml(xdoc.ToString(SaveOptions.DisableFormatting)),
        XElement xelement => Xml(xelement.ToString(SaveOptions.DisableFormatting)),
        _ => throw Unsupported(value, column),
    };

    public static ProtoValue String(string value) => new() { String = value };

    public static ProtoValue Decimal(decimal value) => new() { Decimal = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>
    /// A decimal from its text, for values beyond <see cref="decimal"/> (e.g. 38-digit NUMERICs): an optional '-',
    /// digits, and optionally '.' and more digits, exactly as it is sent.
    /// </summary>
    /// <exception cref="FormatException">The text is not a plain decimal number.</exception>
    public static ProtoValue Decimal(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (!IsPlainDecimal(digits))
        {
            throw new FormatException(
                $"'{digits}' is not a plain decimal number: expected an optional '-', digits, and optionally '.' followed by digits (no exponent, no spaces, no thousands separators).");
        }

        return new ProtoValue { Decimal = digits };
    }

    public static ProtoValue NaiveDate(DateOnly date) => new() { NaiveDate = TimestampOf(date.DayNumber * TimeSpan.TicksPerDay) };

    /// <summary>The time of day as a timestamp on 1970-01-01, as Fivetran sends naive times.</summary>
    public static ProtoValue NaiveTime(TimeOnly time) => new() { NaiveTime = TimestampOf(UnixEpochTicks + time.Ticks) };

    /// <summary>A wall-clock date and time, no time zone (the DateTime's Kind is ignored).</summary>
    public static ProtoValue NaiveDateTime(DateTime dateTime) => new() { NaiveDatetime = TimestampOf(dateTime.Ticks) };

    public static ProtoValue UtcDateTime(DateTimeOffset instant) => new() { UtcDatetime = TimestampOf(instant.UtcTicks) };

    /// <summary>Kind Utc → utc_datetime; Unspecified or Local → naive_datetime of its wall-clock value.</summary>
    public static ProtoValue DateTime(DateTime dateTime) =>
        dateTime.Kind == DateTimeKind.Utc
            ? new ProtoValue { UtcDatetime = TimestampOf(dateTime.Ticks) }
            : NaiveDateTime(dateTime);

    public static ProtoValue Binary(ReadOnlySpan<byte> bytes) => new() { Binary = ByteString.CopyFrom(bytes) };

    public static ProtoValue Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new ProtoValue { Json = json };
    }

    public static ProtoValue Xml(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new ProtoValue { Xml = xml };
    }

    private static readonly long UnixEpochTicks = System.DateTime.UnixEpoch.Ticks;

    /// <summary>Ticks since 0001-01-01 → Timestamp (seconds since the Unix epoch, non-negative nanos, floor division).</summary>
    private static Timestamp TimestampOf(long ticks)
    {
        long sinceEpoch = ticks - UnixEpochTicks;
        long seconds = Math.DivRem(sinceEpoch, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return new Timestamp { Seconds = seconds, Nanos = (int)(remainder * 100) };
    }

    private static ProtoValue UnsignedLong(ulong value, string? column) =>
        value <= long.MaxValue
            ? new ProtoValue { Long = (long)value }
            : throw new ArgumentOutOfRangeException(column ?? "value", value,
                $"{Describe(column)}: {value} does not fit in a LONG; send it as a decimal with Values.Decimal(value.ToString()) instead.");

    private static bool IsPlainDecimal(string text)
    {
        var span = text.AsSpan();
        if (span.StartsWith("-"))
        {
            span = span[1..];
        }

        int dot = span.IndexOf('.');
        var integral = dot < 0 ? span : span[..dot];
        var fraction = dot < 0 ? ReadOnlySpan<char>.Empty : span[(dot + 1)..];
        return !integral.IsEmpty && AllDigits(integral) && (dot < 0 || (!fraction.IsEmpty && AllDigits(fraction)));
    }

    private static bool AllDigits(ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');

    private static ArgumentException Unsupported(object value, string? column) =>
        new($"{Describe(column)}: values of type {value.GetType().FullName} have no Fivetran data type. Convert it first to one of: " +
            "bool, short, int, long, float, double, decimal (or DecimalText), DateOnly, TimeOnly, DateTime, DateTimeOffset, " +
            "byte[], string, JSON (JsonElement, JsonNode, JsonText), XML (XElement, XmlText), or null.",
            column ?? "value");

    private static string Describe(string? column) => column is null ? "Value" : $"Column '{column}'";
}
