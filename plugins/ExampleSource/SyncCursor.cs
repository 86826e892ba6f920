using System.Globalization;
using System.Text.Json;
using ConnectorHost.Abstractions;

namespace ExampleSource;

/// <summary>The sync state <c>{"cursor": N}</c>: how many records all syncs so far have emitted.</summary>
internal static class SyncCursor
{
    /// <summary>Absent or empty state, <c>{}</c> and <c>{"cursor": null}</c> mean 0, as in the Python example.</summary>
    public static long Parse(string? stateJson)
    {
        if (string.IsNullOrWhiteSpace(stateJson))
        {
            return 0;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stateJson);
        }
        catch (JsonException e)
        {
            throw Invalid($"state_json is not valid JSON ({e.Message}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"state_json must be a JSON object like {{\"cursor\": 6}}; got a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            }

            if (!document.RootElement.TryGetProperty("cursor", out var cursor) || cursor.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            if (cursor.ValueKind != JsonValueKind.Number || !cursor.TryGetInt64(out long value) || value < 0)
            {
                throw Invalid($"state_json's \"cursor\" must be a non-negative whole number; got {cursor.GetRawText()}.");
            }

            return value;
        }
    }

    /// <summary>Formatted exactly as Python's <c>json.dumps({"cursor": n})</c> does: <c>{"cursor": 6}</c>.</summary>
    public static string Format(long cursor) => string.Create(CultureInfo.InvariantCulture, $"{{\"cursor\": {cursor}}}");

    private static ConnectorException Invalid(string message) => new(ConnectorErrorKind.InvalidArgument, message);
}
