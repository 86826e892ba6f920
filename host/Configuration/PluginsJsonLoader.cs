using System.Text.Json;

namespace ConnectorHost.Configuration;

/// <summary>
/// Reads plugins.json. Relative paths in it resolve against the file's own folder, so the host can be started
/// from anywhere. Every mistake is reported with the file, the property and what was expected.
/// </summary>
public static class PluginsJsonLoader
{
    public const string FileName = "plugins.json";

    /// <summary>The explicit path, else ./plugins.json, else the nearest plugins.json above the host executable.</summary>
    public static string Locate(string? explicitPath, string currentDirectory, string executableDirectory)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath, currentDirectory);
            return File.Exists(full) ? full : throw new ConfigurationException($"Configuration file {full} (--config) does not exist.");
        }

        var local = Path.Combine(currentDirectory, FileName);
        if (File.Exists(local))
        {
            return local;
        }

        for (var dir = new DirectoryInfo(executableDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ConfigurationException(
            $"No {FileName} in {currentDirectory} nor above {executableDirectory}. Pass --config PATH or run from the folder holding {FileName}.");
    }

    public static HostConfiguration Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{path} is not valid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            throw new ConfigurationException($"Cannot read {path}: {e.Message}");
        }

        using (document)
        {
            return Parse(document.RootElement, path);
        }
    }

    private static HostConfiguration Parse(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "the root", "a JSON object");
        }

        var baseDirectory = Path.GetDirectoryName(path)!;
        string? pluginsDirectory = null, dataDirectory = null;
        SideConfiguration? source = null, destination = null;
        var shutdownTimeout = HostConfiguration.DefaultShutdownTimeout;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "pluginsDirectory":
                    pluginsDirectory = RequiredString(property, path);
                    break;
                case "dataDirectory":
                    dataDirectory = RequiredString(property, path);
                    break;
                case "source":
                    source = Side(property, path, HostConfiguration.DefaultSourcePort);
                    break;
                case "destination":
                    destination = Side(property, path, HostConfiguration.DefaultDestinationPort);
                    break;
                case "shutdownTimeoutSeconds":
                    if (!property.Value.TryGetDouble(out var seconds) || seconds < 0 || seconds > 3600)
                    {
                        throw Error(path, property.Name, "a number of seconds between 0 and 3600");
                    }

                    shutdownTimeout = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    throw new ConfigurationException(
                        $"{path}: unknown property '{property.Name}'. Known: pluginsDirectory, dataDirectory, source, destination, shutdownTimeoutSeconds.");
            }
        }

        if (pluginsDirectory is null)
        {
            throw Error(path, "pluginsDirectory", "the folder holding one sub-folder per plugin, e.g. \"artifacts/plugins\"");
        }

        if (source is null && destination is null)
        {
            throw new ConfigurationException($"{path}: neither \"source\" nor \"destination\" is set; configure at least one side, e.g. \"source\": {{\"plugin\": \"ExampleSource\"}}.");
        }

        return new HostConfiguration(
            path,
            Path.GetFullPath(pluginsDirectory, baseDirectory),
            Path.GetFullPath(dataDirectory ?? "data", baseDirectory),
            source,
            destination,
            shutdownTimeout);
    }

    private static SideConfiguration? Side(JsonProperty side, string path, int defaultPort)
    {
        if (side.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (side.Value.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, side.Name, "an object like {\"plugin\": \"Name\", \"port\": " + defaultPort + "} or null");
        }

        string? plugin = null;
        var port = defaultPort;
        foreach (var property in side.Value.EnumerateObject())
        {
            var name = $"{side.Name}.{property.Name}";
            switch (property.Name)
            {
                case "plugin":
                    plugin = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (string.IsNullOrWhiteSpace(plugin) || plugin.IndexOfAny(['/', '\\']) >= 0 || plugin is "." or "..")
                    {
                        throw Error(path, name, "a plugin name (the name of its folder in pluginsDirectory)");
                    }

                    break;
                case "port":
                    if (property.Value.ValueKind != JsonValueKind.Number)
                    {
                        throw Error(path, name, "a TCP port number between 1 and 65535");
                    }

                    // 0: any free port (the test fixture reads the bound port from the log).
                    port = CommandLine.ParsePort(property.Value.GetRawText(), $"{path}: {name}", allowAnyFree: true);

                    break;
                default:
                    throw new ConfigurationException($"{path}: unknown property '{name}'. Known: plugin, port.");
            }
        }

        return plugin is null ? throw Error(path, $"{side.Name}.plugin", "a plugin name (the name of its folder in pluginsDirectory)") : new SideConfiguration(plugin, port);
    }

    private static string RequiredString(JsonProperty property, string path) =>
        property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString())
            ? property.Value.GetString()!
            : throw Error(path, property.Name, "a non-empty string path (relative to the file's folder or absolute)");

    private static ConfigurationException Error(string path, string property, string expected) =>
        new($"{path}: {property} must be {expected}.");
}
