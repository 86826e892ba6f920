using System.Text.Json;
using ConnectorHost.Configuration;

namespace ConnectorHost.Tools;

/// <summary>A connector configuration given to a tool as a JSON object of field name → value (what Fivetran sends in <c>configuration</c>).</summary>
internal static class ConfigurationFile
{
    public static Dictionary<string, string> Read(string? path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null)
        {
            return values;
        }

        if (!File.Exists(path))
        {
            throw new ConfigurationException($"The configuration file {Path.GetFullPath(path)} does not exist.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{path} is not valid JSON ({e.Message}); give an object such as {{\"apiBaseURL\": \"https://example.com\"}}.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"{path} must hold one JSON object of field name → value.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    JsonValueKind.Null => string.Empty,
                    _ => throw new ConfigurationException($"{path}: the value of '{property.Name}' must be a string, number or boolean (Fivetran sends every field as text)."),
                };
            }
        }

        return values;
    }
}
