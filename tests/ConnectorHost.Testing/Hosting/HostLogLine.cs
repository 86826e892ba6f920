using System.Text.Json;

namespace ConnectorHost.Testing.Hosting;

/// <summary>One stdout line of the host: the parsed Fivetran log fields, or null fields when the line is not JSON.</summary>
public sealed record HostLogLine(string Raw, string? Level, string? Message, string? Origin)
{
    public bool IsJson => Level is not null;

    public static HostLogLine Parse(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            return new HostLogLine(
                raw,
                root.GetProperty("level").GetString(),
                root.GetProperty("message").GetString(),
                root.GetProperty("message-origin").GetString());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new HostLogLine(raw, null, null, null);
        }
    }

    public override string ToString() => Raw;
}
