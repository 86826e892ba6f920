using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FivetranSdk.V2;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>
/// One text form per Fivetran type, so expected rows are written once for every destination:
/// BOOLEAN true/false; integers in decimal; FLOAT and DOUBLE in shortest round-trip form of their own width;
/// DECIMAL without trailing fraction zeros; NAIVE_DATE yyyy-MM-dd; NAIVE_TIME HH:mm:ss[.f…]; NAIVE_DATETIME
/// yyyy-MM-ddTHH:mm:ss[.f…]; UTC_DATETIME the same in UTC with Z; BINARY base64; JSON compact with sorted keys.
/// </summary>
public static class CanonicalValue
{
    public static string? Of(DataType type, object? value)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            DataType.Boolean => value switch
            {
                bool b => b ? "true" : "false",
                string s => bool.Parse(s) ? "true" : "false",
                _ => Convert.ToInt64(value, invariant) != 0 ? "true" : "false",
            },
            DataType.Short or DataType.Int or DataType.Long => Convert.ToInt64(value, invariant).ToString(invariant),
            DataType.Float => Convert.ToSingle(value, invariant).ToString("R", invariant),
            DataType.Double => Convert.ToDouble(value, invariant).ToString("R", invariant),
            DataType.Decimal => Decimal(value is IFormattable f ? f.ToString(null, invariant) : value.ToString()!),
            DataType.NaiveDate => value switch
            {
                DateOnly d => d.ToString("yyyy-MM-dd", invariant),
                DateTime dt => dt.ToString("yyyy-MM-dd", invariant),
                _ => DateOnly.Parse(value.ToString()!, invariant).ToString("yyyy-MM-dd", invariant),
            },
            DataType.NaiveTime => Time(value switch
            {
                TimeOnly t => t,
                TimeSpan ts => TimeOnly.FromTimeSpan(ts),
                _ => TimeOnly.Parse(value.ToString()!, invariant),
            }),
            DataType.NaiveDatetime => DateTimeText(value switch
            {
                DateTime dt => dt,
                _ => DateTime.Parse(value.ToString()!, invariant, DateTimeStyles.None),
            }),
            DataType.UtcDatetime => DateTimeText(value switch
            {
                DateTimeOffset dto => dto.UtcDateTime,
                DateTime dt => dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt,
                _ => DateTimeOffset.Parse(value.ToString()!, invariant, DateTimeStyles.AssumeUniversal).UtcDateTime,
            }) + "Z",
            DataType.Binary => value is byte[] bytes ? Convert.ToBase64String(bytes) : value.ToString(),
            DataType.Json => Json(value.ToString()!),
            _ => value.ToString(),
        };
    }

    public static string Decimal(string text)
    {
        if (text.Contains('E', StringComparison.OrdinalIgnoreCase))
        {
            text = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }

        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text is "-0" or "" ? "0" : text;
    }

    private static string Time(TimeOnly t) => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(t.Ticks);

    private static string DateTimeText(DateTime dt) => dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(dt.Ticks);

    private static string Fraction(long ticks)
    {
        var sub = ticks % TimeSpan.TicksPerSecond;
        return sub == 0 ? "" : "." + sub.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    public static string Json(string text)
    {
        var node = JsonNode.Parse(text);
        return Sorted(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
