using System.Globalization;

namespace ConnectorHost.Testing.BatchFiles;

/// <summary>A value as Fivetran's Java side prints it into a text cell (ISO-8601 dates/times, Instant with Z, base64).</summary>
internal static class CellText
{
    public static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        float f => f.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss" + Fraction(t.Ticks % TimeSpan.TicksPerSecond), CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss" + Fraction(dt.Ticks % TimeSpan.TicksPerSecond), CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss" + Fraction(dto.Ticks % TimeSpan.TicksPerSecond), CultureInfo.InvariantCulture) + "Z",
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Java's Instant/LocalTime print 0, 3, 6 or 9 fraction digits.
    private static string Fraction(long subSecondTicks) => subSecondTicks switch
    {
        0 => "",
        _ when subSecondTicks % TimeSpan.TicksPerMillisecond == 0 => ".fff",
        _ when subSecondTicks % 10 == 0 => ".ffffff",
        _ => ".fffffff",
    };
}
