using System.Globalization;
using System.Text;
using System.Text.Json;
using ConnectorHost.Abstractions;

namespace ExampleSource;

/// <summary>
/// The sync state: <c>{"cursor": N}</c>, how many records all syncs so far have emitted, plus any other keys the
/// incoming state holds. Like the Python example (which updates the dict it loaded), keys it does not know are
/// kept, in their order, and written back unchanged.
/// </summary>
internal sealed class SyncCursor
{
    private const string CursorKey = "cursor";

    /// <summary>The other top-level keys in order, with their JSON text as received.</summary>
    private readonly List<(string Key, string RawJson)> _others;

    /// <summary>Where "cursor" sat among the keys (Python keeps its place; a new key goes last).</summary>
    private readonly int _cursorIndex;

    private SyncCursor(long value, List<(string Key, string RawJson)> others, int cursorIndex)
    {
        Value = value;
        _others = others;
        _cursorIndex = cursorIndex;
    }

    /// <summary>The cursor the sync starts from.</summary>
    public long Value { get; }

    /// <summary>Absent or empty state, <c>{}</c> and <c>{"cursor": null}</c> mean 0, as in the Python example.</summary>
    public static SyncCursor Parse(string? stateJson)
    {
        if (string.IsNullOrWhiteSpace(stateJson))
        {
            return new SyncCursor(0, [], 0);
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

            var others = new List<(string Key, string RawJson)>();
            long value = 0;
            var cursorIndex = -1;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != CursorKey)
                {
                    others.Add((property.Name, property.Value.GetRawText()));
                    continue;
                }

                cursorIndex = others.Count;
                var cursor = property.Value;
                if (cursor.ValueKind == JsonValueKind.Null)
                {
                    value = 0;
                }
                else if (cursor.ValueKind != JsonValueKind.Number || !cursor.TryGetInt64(out value) || value < 0)
                {
                    throw Invalid($"state_json's \"cursor\" must be a non-negative whole number; got {cursor.GetRawText()}.");
                }
            }

            return new SyncCursor(value, others, cursorIndex < 0 ? others.Count : cursorIndex);
        }
    }

    /// <summary>
    /// The state with the cursor at <paramref name="cursor"/>, laid out as Python's <c>json.dumps</c> writes it:
    /// <c>{"cursor": 6}</c>, or <c>{"cursor": 16, "other": "x"}</c> with the other keys as they came.
    /// </summary>
    public string Format(long cursor)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i <= _others.Count; i++)
        {
            if (i == _cursorIndex)
            {
                Append(text, CursorKey, cursor.ToString(CultureInfo.InvariantCulture));
            }
            if (i < _others.Count)
            {
                Append(text, _others[i].Key, _others[i].RawJson);
            }
        }
        return text.Append('}').ToString();
    }

    private static void Append(StringBuilder text, string key, string rawJson)
    {
        if (text.Length > 1)
        {
            text.Append(", ");
        }
        text.Append(JsonSerializer.Serialize(key)).Append(": ").Append(rawJson);
    }

    private static ConnectorException Invalid(string message) => new(ConnectorErrorKind.InvalidArgument, message);
}
