using System.Text;

namespace ConnectorHost.Dispatch;

/// <summary>
/// Keeps status messages within what Fivetran's gRPC client accepts: it rejects response headers above 10,240 bytes
/// (and kills the sync), so a message is cut to <see cref="MaxBytes"/> UTF-8 bytes on a character boundary and says so.
/// </summary>
public static class StatusMessage
{
    public const int MaxBytes = 8000;

    public const string CutMarker = " … [message cut at 8000 bytes; the host log has all of it]";

    public static bool NeedsCut(string message) => message.Length > MaxBytes / 4 && Encoding.UTF8.GetByteCount(message) > MaxBytes;

    /// <summary>The message itself when it fits, else its longest prefix that fits with the marker appended.</summary>
    public static string Cap(string message)
    {
        if (!NeedsCut(message))
        {
            return message;
        }

        var budget = MaxBytes - Encoding.UTF8.GetByteCount(CutMarker);
        var used = 0;
        var end = 0;
        foreach (var rune in message.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            used += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return string.Concat(message.AsSpan(0, end), CutMarker);
    }
}
