using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ConnectorHost.Abstractions.BatchFiles.Values;

/// <summary>
/// Allocation-free parsers for the text Fivetran writes in CSV cells (Java's toString forms: ISO-8601 dates and
/// times, BigDecimal, Double, Instant). Each returns false on anything it does not accept; the reader turns that
/// into a precise error.
/// </summary>
internal static class CellParsers
{
    public static bool TryParseBoolean(ReadOnlySpan<byte> s, out bool value)
    {
        // Fivetran writes lower case: compare whole words first, fall back to case-insensitive.
        if (s.Length == 4 && BinaryPrimitives.ReadUInt32LittleEndian(s) == TrueWord)
        {
            value = true;
            return true;
        }
        if (s.Length == 5 && s[0] == 'f' && BinaryPrimitives.ReadUInt32LittleEndian(s[1..]) == AlseWord)
        {
            value = false;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(s, "true"u8))
        {
            value = true;
            return true;
        }
        value = false;
        return Ascii.EqualsIgnoreCase(s, "false"u8);
    }

    public static bool TryParseInt16(ReadOnlySpan<byte> s, out short value) =>
        Utf8Parser.TryParse(s, out value, out var consumed) && consumed == s.Length;

    public static bool TryParseInt32(ReadOnlySpan<byte> s, out int value) =>
        Utf8Parser.TryParse(s, out value, out var consumed) && consumed == s.Length;

    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value) =>
        Utf8Parser.TryParse(s, out value, out var consumed) && consumed == s.Length;

    private static readonly uint TrueWord = BinaryPrimitives.ReadUInt32LittleEndian("true"u8);
    private static readonly uint AlseWord = BinaryPrimitives.ReadUInt32LittleEndian("alse"u8);

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    // NumberStyles.Float accepts Java's "1.0E-5", "NaN", "Infinity" and "-Infinity".
    /// <summary>
    /// A DOUBLE: decimal or exponent notation, NaN, Infinity or -Infinity (as Java writes them). A finite number
    /// beyond the DOUBLE range (1e400) is refused rather than read as infinity.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value) =>
        TryParsePlainDecimalExactly(s, out value)
        || (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && (double.IsFinite(value) || IsInfinityLiteral(s) || double.IsNaN(value)));

    private static bool IsInfinityLiteral(ReadOnlySpan<byte> s)
    {
        s = s.Trim((byte)' ');
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            s = s[1..];
        }
        return System.Text.Ascii.EqualsIgnoreCase(s, "Infinity"u8) || System.Text.Ascii.EqualsIgnoreCase(s, "inf"u8) || s.SequenceEqual("∞"u8);
    }

    /// <summary>
    /// Fast path for the common "-123.45": with at most 15 significant digits the digits and the power of ten are
    /// both exact doubles, so one IEEE division gives the correctly rounded result (Clinger's fast path), the same
    /// value double.Parse returns. Anything else (exponents, long mantissas, NaN) goes to the general parser.
    /// </summary>
    private static bool TryParsePlainDecimalExactly(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] == '-')
        {
            negative = true;
            i = 1;
        }
        long mantissa = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; i < s.Length; i++)
        {
            var b = s[i];
            if (IsDigit(b))
            {
                mantissa = mantissa * 10 + (b - '0');
                digits++;
                if (fractionDigits >= 0)
                {
                    fractionDigits++;
                }
            }
            else if (b == '.' && fractionDigits < 0)
            {
                fractionDigits = 0;
            }
            else
            {
                return false;
            }
        }
        if (digits == 0 || digits > 15 || fractionDigits == 0)
        {
            return false;
        }
        value = fractionDigits > 0 ? mantissa / PowersOfTen[fractionDigits] : mantissa;
        if (negative)
        {
            value = -value;
        }
        return true;
    }

    /// <summary>A FLOAT, read like <see cref="TryParseDouble"/>: a finite number beyond the FLOAT range (1e39) is refused.</summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> s, out float value) =>
        float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && (float.IsFinite(value) || float.IsNaN(value) || IsInfinityLiteral(s));

    /// <summary>
    /// Validates a decimal (optionally signed, optional fraction, optional exponent as BigDecimal.toString writes
    /// it) and returns it in plain notation with every digit kept: no binary floating point is ever involved.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> s, out string value)
    {
        value = "";
        var i = 0;
        var negative = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            negative = s[i] == '-';
            i++;
        }
        var integerStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }
        var integerDigits = s[integerStart..i];
        ReadOnlySpan<byte> fractionDigits = default;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fractionStart = i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
            fractionDigits = s[fractionStart..i];
        }
        if (integerDigits.IsEmpty && fractionDigits.IsEmpty)
        {
            return false;
        }
        var exponent = 0;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            var exponentText = s[i..];
            if (exponentText.Length > 0 && exponentText[0] == '+')
            {
                exponentText = exponentText[1..];
            }
            if (!Utf8Parser.TryParse(exponentText, out exponent, out var consumed) || consumed != exponentText.Length
                || Math.Abs(exponent) > 10_000)
            {
                return false;
            }
            i = s.Length;
        }
        if (i != s.Length)
        {
            return false;
        }

        // All digits in one run; the decimal point sits after `pointPosition` of them.
        var allDigits = integerDigits.Length + fractionDigits.Length;
        Span<byte> digits = allDigits <= 256 ? stackalloc byte[allDigits] : new byte[allDigits];
        integerDigits.CopyTo(digits);
        fractionDigits.CopyTo(digits[integerDigits.Length..]);
        var pointPosition = integerDigits.Length + exponent;

        var builder = new StringBuilder(allDigits + Math.Abs(exponent) + 3);
        if (pointPosition <= 0)
        {
            builder.Append("0.").Append('0', -pointPosition);
            AppendAscii(builder, digits);
        }
        else
        {
            var integerPart = TrimLeadingZeros(digits[..Math.Min(pointPosition, digits.Length)]);
            var trailingZeros = Math.Max(0, pointPosition - digits.Length);
            if (integerPart.IsEmpty)
            {
                builder.Append('0');
            }
            else
            {
                AppendAscii(builder, integerPart);
                builder.Append('0', trailingZeros);
            }
            if (pointPosition < digits.Length)
            {
                builder.Append('.');
                AppendAscii(builder, digits[pointPosition..]);
            }
        }

        var isZero = digits.IndexOfAnyExcept((byte)'0') < 0;
        value = negative && !isZero ? "-" + builder : builder.ToString();
        return true;
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> digits)
    {
        var first = digits.IndexOfAnyExcept((byte)'0');
        return first < 0 ? [] : digits[first..];
    }

    private static void AppendAscii(StringBuilder builder, ReadOnlySpan<byte> ascii)
    {
        foreach (var b in ascii)
        {
            builder.Append((char)b);
        }
    }

    public static bool TryParseDate(ReadOnlySpan<byte> s, out DateOnly value)
    {
        value = default;
        return s.Length == 10 && TryParseDatePart(s, out value);
    }

    public static bool TryParseTime(ReadOnlySpan<byte> s, out TimeOnly value)
    {
        value = default;
        if (!TryParseTimePart(s, out var ticks, out var consumed) || consumed != s.Length)
        {
            return false;
        }
        value = new TimeOnly(ticks);
        return true;
    }

    /// <summary>yyyy-MM-ddTHH:mm[:ss[.fffffffff]] (a space instead of T is accepted).</summary>
    public static bool TryParseNaiveDateTime(ReadOnlySpan<byte> s, out DateTime value)
    {
        value = default;
        if (s.Length < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !TryParseDatePart(s[..10], out var date))
        {
            return false;
        }
        if (!TryParseTimePart(s[11..], out var ticks, out var consumed) || 11 + consumed != s.Length)
        {
            return false;
        }
        value = new DateTime(date.DayNumber * TimeSpan.TicksPerDay + ticks, DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>
    /// An instant as Java's Instant.toString writes it (2024-01-01T10:00:00Z, 2024-01-01T10:00:00.123Z) or with an
    /// explicit offset (+00:00, -05:00, +0530, +05); no offset at all is read as UTC. The result has offset zero.
    /// </summary>
    public static bool TryParseUtcDateTime(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !TryParseDatePart(s[..10], out var date))
        {
            return false;
        }
        if (!TryParseTimePart(s[11..], out var ticks, out var consumed))
        {
            return false;
        }
        var zone = s[(11 + consumed)..];
        long offsetTicks = 0;
        if (zone.Length == 1 && (zone[0] == 'Z' || zone[0] == 'z'))
        {
            offsetTicks = 0;
        }
        else if (zone.Length > 0)
        {
            if (!TryParseOffset(zone, out offsetTicks))
            {
                return false;
            }
        }
        var utcTicks = date.DayNumber * TimeSpan.TicksPerDay + ticks - offsetTicks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<byte> zone, out long offsetTicks)
    {
        offsetTicks = 0;
        if (zone[0] != '+' && zone[0] != '-')
        {
            return false;
        }
        var sign = zone[0] == '-' ? -1 : 1;
        var rest = zone[1..];
        int hours;
        var minutes = 0;
        if (rest.Length == 2 && TwoDigits(rest, 0, out hours))
        {
        }
        else if (rest.Length == 4 && TwoDigits(rest, 0, out hours) && TwoDigits(rest, 2, out minutes))
        {
        }
        else if (rest.Length == 5 && rest[2] == ':' && TwoDigits(rest, 0, out hours) && TwoDigits(rest, 3, out minutes))
        {
        }
        else
        {
            return false;
        }
        if (hours > 18 || minutes > 59)
        {
            return false;
        }
        offsetTicks = sign * (hours * TimeSpan.TicksPerHour + minutes * TimeSpan.TicksPerMinute);
        return true;
    }

    private static bool TryParseDatePart(ReadOnlySpan<byte> s, out DateOnly value)
    {
        value = default;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !FourDigits(s, out var year) || !TwoDigits(s, 5, out var month) || !TwoDigits(s, 8, out var day))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>HH:mm[:ss[.f{1,9}]] at the start of <paramref name="s"/>; digits past the 7th fraction digit are dropped.</summary>
    private static bool TryParseTimePart(ReadOnlySpan<byte> s, out long ticks, out int consumed)
    {
        ticks = 0;
        consumed = 0;
        if (s.Length < 5 || s[2] != ':' || !TwoDigits(s, 0, out var hour) || !TwoDigits(s, 3, out var minute)
            || hour > 23 || minute > 59)
        {
            return false;
        }
        var second = 0;
        consumed = 5;
        if (s.Length >= 8 && s[5] == ':')
        {
            if (!TwoDigits(s, 6, out second) || second > 59)
            {
                return false;
            }
            consumed = 8;
        }
        long fraction = 0;
        if (consumed == 8 && s.Length > 8 && s[8] == '.')
        {
            var i = 9;
            var scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && IsDigit(s[i]))
            {
                if (i - 9 < 7)
                {
                    scale /= 10;
                    fraction += (s[i] - '0') * scale;
                }
                i++;
            }
            if (i == 9 || i - 9 > 9)
            {
                return false;
            }
            consumed = i;
        }
        ticks = hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute + second * TimeSpan.TicksPerSecond + fraction;
        return true;
    }

    private static bool FourDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        for (var i = 0; i < 4; i++)
        {
            if (!IsDigit(s[i]))
            {
                return false;
            }
            value = value * 10 + (s[i] - '0');
        }
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 1 >= s.Length || !IsDigit(s[at]) || !IsDigit(s[at + 1]))
        {
            return false;
        }
        value = (s[at] - '0') * 10 + (s[at + 1] - '0');
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool TryParseBase64(ReadOnlySpan<byte> s, out byte[] value)
    {
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(s.Length)];
        var status = Base64.DecodeFromUtf8(s, buffer, out var consumed, out var written);
        if (status != System.Buffers.OperationStatus.Done || consumed != s.Length)
        {
            value = [];
            return false;
        }
        value = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
