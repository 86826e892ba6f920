using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using FivetranSdk.V2;

namespace SqliteDestination.Types;

/// <summary>
/// How each Fivetran type is stored so that it round-trips exactly and compares correctly:
/// BOOLEAN/SHORT/INT/LONG as INTEGER, FLOAT/DOUBLE as REAL, BINARY as BLOB, everything else as TEXT
/// (DECIMAL as its exact digits, never a float; dates and times as fixed-layout ISO-8601 so text order is time order).
/// </summary>
internal static partial class StorageFormat
{
    public const string UtcMax = "9999-12-31T23:59:59.999Z";
    public const string UtcMin = "0001-01-01T00:00:00.000Z";

    /// <summary>How a FLOAT or DOUBLE NaN is stored: SQLite would turn a bound NaN into NULL.</summary>
    public const string NaNText = "NaN";

    public static string Affinity(DataType type) => type switch
    {
        DataType.Boolean or DataType.Short or DataType.Int or DataType.Long => "INTEGER",
        DataType.Float or DataType.Double => "REAL",
        DataType.Binary => "BLOB",
        _ => "TEXT",
    };

    public static string FormatUtc(DateTime utc)
    {
        utc = utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : utc;
        // Milliseconds always (the layout Fivetran uses); sub-millisecond digits only when present.
        return utc.Ticks % TimeSpan.TicksPerMillisecond == 0
            ? utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);
    }

    public static string FormatUtc(DateTimeOffset value) => FormatUtc(value.UtcDateTime);

    public static string FormatNaiveDateTime(DateTime value) =>
        value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF", CultureInfo.InvariantCulture);

    public static string FormatDate(DateOnly value) => value.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static string FormatDate(DateTime value) => value.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static string FormatTime(TimeOnly value) => value.ToString("HH':'mm':'ss.FFFFFFF", CultureInfo.InvariantCulture);

    public static string FormatTime(TimeSpan value) => FormatTime(TimeOnly.FromTimeSpan(value));

    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses text (a default value, a migration value, a converted cell) into the storage value for the type.</summary>
    public static object? Parse(string text, DataType type)
    {
        var t = text.Trim();
        switch (type)
        {
            case DataType.Boolean:
                if (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t == "1") return 1L;
                if (t.Equals("false", StringComparison.OrdinalIgnoreCase) || t == "0") return 0L;
                throw new FormatException("expected true or false");
            case DataType.Short:
                return (long)short.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case DataType.Int:
                return (long)int.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case DataType.Long:
                return long.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case DataType.Float:
                return (double)float.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
            case DataType.Double:
                return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
            case DataType.Decimal:
                return CanonicalDecimal(t);
            case DataType.NaiveDate:
                return FormatDate(ParseDateTime(t, assumeUtc: false));
            case DataType.NaiveTime:
                return FormatTime(TimeOnly.Parse(t, CultureInfo.InvariantCulture));
            case DataType.NaiveDatetime:
                return FormatNaiveDateTime(ParseDateTime(t, assumeUtc: false));
            case DataType.UtcDatetime:
                return FormatUtc(ParseDateTime(t, assumeUtc: true));
            case DataType.Binary:
                return System.Convert.FromBase64String(t);
            default:
                return text; // STRING, JSON, XML, UNSPECIFIED keep every character
        }
    }

    /// <summary>The canonical text of a stored value (inverse of <see cref="Parse"/>).</summary>
    public static string ToText(object value, DataType type) => value switch
    {
        long l when type == DataType.Boolean => l != 0 ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d when type == DataType.Float => ((float)d).ToString("R", CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        byte[] b => System.Convert.ToBase64String(b),
        string s => s,
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Converts a stored value of one type into the storage value of another; throws FormatException/OverflowException.</summary>
    public static object? Convert(object? value, DataType from, DataType to)
    {
        if (value is null || from == to) return value;
        if (to == DataType.Float && value is double d) return (double)(float)d;
        if (to == DataType.Double && value is double) return value;
        if (to is DataType.String or DataType.Json or DataType.Xml or DataType.Unspecified)
        {
            return from == DataType.Binary && value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : ToText(value, from);
        }

        if (to == DataType.Binary && value is string s) return System.Text.Encoding.UTF8.GetBytes(s);
        return Parse(ToText(value, from), to);
    }

    private static DateTime ParseDateTime(string text, bool assumeUtc)
    {
        var styles = DateTimeStyles.AllowWhiteSpaces | (assumeUtc ? DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal : DateTimeStyles.None);
        if (!assumeUtc && (text.EndsWith('Z') || text.EndsWith('z')))
        {
            // A naive value given with a Z: keep the wall-clock digits.
            text = text[..^1];
        }

        return DateTime.Parse(text, CultureInfo.InvariantCulture, styles);
    }

    /// <summary>Exact decimal text: validated digits, exponent expanded, no float conversion, any precision.</summary>
    public static string CanonicalDecimal(string text)
    {
        var m = DecimalPattern().Match(text);
        if (!m.Success || m.Groups["int"].Length + m.Groups["frac"].Length == 0) throw new FormatException("expected a decimal number");
        var negative = m.Groups["sign"].Value == "-";
        var digits = m.Groups["int"].Value + m.Groups["frac"].Value;
        var scale = m.Groups["frac"].Value.Length;
        if (m.Groups["exp"].Success)
        {
            scale -= int.Parse(m.Groups["exp"].Value, CultureInfo.InvariantCulture);
        }

        if (scale < 0)
        {
            digits += new string('0', -scale);
            scale = 0;
        }

        if (digits.Length <= scale)
        {
            digits = new string('0', scale - digits.Length + 1) + digits;
        }

        var intPart = digits[..^scale].TrimStart('0');
        var fracPart = digits[^scale..];
        if (scale == 0) intPart = digits.TrimStart('0');
        if (intPart.Length == 0) intPart = "0";
        var result = scale > 0 ? intPart + "." + fracPart : intPart;
        var isZero = BigInteger.Parse(digits, CultureInfo.InvariantCulture).IsZero;
        return negative && !isZero ? "-" + result : result;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<int>\d*)(?:\.(?<frac>\d*))?(?:[eE](?<exp>[+-]?\d{1,4}))?$")]
    private static partial Regex DecimalPattern();
}
