using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace ConnectorHost.Configuration;

/// <summary>
/// Reads plugins.json through Microsoft.Extensions.Configuration: the file, then environment variables
/// <c>CONNECTORHOST__source__port=…</c>, then command-line <c>--set source:port=…</c> overrides, validated and bound to
/// <see cref="PluginsJsonOptions"/>. Relative paths resolve against the file's own folder, so the host can be started
/// from anywhere. Every mistake names where the value came from (file or variable), the property and what was expected.
/// </summary>
public static class PluginsJsonLoader
{
    public const string FileName = "plugins.json";
    public const string EnvironmentPrefix = "CONNECTORHOST__";

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

    /// <param name="path">plugins.json.</param>
    /// <param name="overrides">Command-line <c>key=value</c> overrides (<c>source:port=0</c>), applied last.</param>
    /// <param name="readEnvironment">Whether <c>CONNECTORHOST__…</c> environment variables apply (tests turn it off).</param>
    public static HostConfiguration Load(string path, IEnumerable<string>? overrides = null, bool readEnvironment = true)
    {
        CheckJson(path);
        var builder = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false);
        if (readEnvironment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        builder.AddInMemoryCollection(ParseOverrides(overrides ?? []));
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new ConfigurationException($"{path} cannot be read: {Innermost(e).Message}");
        }

        return new Validator(root, path).Validate();
    }

    private static void CheckJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path),
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"{path}: the root must be a JSON object.");
            }
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{path} is not valid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            throw new ConfigurationException($"Cannot read {path}: {e.Message}");
        }
    }

    private static Dictionary<string, string?> ParseOverrides(IEnumerable<string> overrides)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in overrides)
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0)
            {
                throw new ConfigurationException($"--set '{entry}' must be KEY=VALUE, e.g. --set source:port=0 or --set shutdownTimeoutSeconds=10.");
            }

            values[entry[..equals].Replace("__", ":", StringComparison.Ordinal).Replace('.', ':')] = entry[(equals + 1)..];
        }

        return values;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private sealed class Validator(IConfigurationRoot root, string path)
    {
        public HostConfiguration Validate()
        {
            CheckKnown(root.GetChildren(), PluginsJsonOptions.Properties, string.Empty);
            var sides = new[] { ("source", HostConfiguration.DefaultSourcePort), ("destination", HostConfiguration.DefaultDestinationPort) };
            foreach (var (side, defaultPort) in sides)
            {
                CheckSide(root.GetSection(side), defaultPort);
            }

            var shutdown = root["shutdownTimeoutSeconds"];
            if (shutdown is not null && !(double.TryParse(shutdown, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 3600))
            {
                throw Error("shutdownTimeoutSeconds", "a number of seconds between 0 and 3600");
            }

            if (root["hotReload"] is { } hotReload && !bool.TryParse(hotReload, out _))
            {
                throw Error("hotReload", "true or false");
            }

            foreach (var property in new[] { "pluginsDirectory", "dataDirectory" })
            {
                var section = root.GetSection(property);
                if (section.GetChildren().Any() || (section.Value is { } value && string.IsNullOrWhiteSpace(value)))
                {
                    throw Error(property, "a non-empty string path (relative to the file's folder or absolute)");
                }
            }

            var options = new PluginsJsonOptions();
            root.Bind(options);
            if (string.IsNullOrWhiteSpace(options.PluginsDirectory))
            {
                throw Error("pluginsDirectory", "the folder holding one sub-folder per plugin, e.g. \"artifacts/plugins\"");
            }

            var source = Side(options.Source, HostConfiguration.DefaultSourcePort);
            var destination = Side(options.Destination, HostConfiguration.DefaultDestinationPort);
            if (source is null && destination is null)
            {
                throw new ConfigurationException($"{path}: neither \"source\" nor \"destination\" is set; configure at least one side, e.g. \"source\": {{\"plugin\": \"ExampleSource\"}}.");
            }

            var baseDirectory = Path.GetDirectoryName(path)!;
            return new HostConfiguration(
                path,
                Path.GetFullPath(options.PluginsDirectory, baseDirectory),
                Path.GetFullPath(options.DataDirectory ?? "data", baseDirectory),
                source,
                destination,
                TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds),
                options.HotReload);
        }

        private static SideConfiguration? Side(SideOptions? side, int defaultPort) =>
            side?.Plugin is { } plugin ? new SideConfiguration(plugin, side.Port ?? defaultPort, side.Settings) : null;

        private void CheckSide(IConfigurationSection side, int defaultPort)
        {
            var children = side.GetChildren().ToList();
            if (children.Count == 0)
            {
                if (!string.IsNullOrEmpty(side.Value))
                {
                    throw Error(side.Path, "an object like {\"plugin\": \"Name\", \"port\": " + defaultPort + "} or null");
                }

                return;
            }

            CheckKnown(children, SideOptions.Properties, side.Path + ".");
            var plugin = side["plugin"];
            if (string.IsNullOrWhiteSpace(plugin) || plugin.IndexOfAny(['/', '\\']) >= 0 || plugin is "." or ".."
                || side.GetSection("plugin").GetChildren().Any())
            {
                throw Error($"{side.Path}:plugin", "a plugin name (the name of its folder in pluginsDirectory)");
            }

            foreach (var setting in side.GetSection("settings").GetChildren())
            {
                if (setting.GetChildren().Any())
                {
                    throw Error($"{setting.Path}", "a string (operator settings are name → text, e.g. \"allowedDatabaseRoots\": \"/srv/dbs\")");
                }
            }

            if (side["port"] is { } port)
            {
                CommandLine.ParsePort(port, $"{Origin($"{side.Path}:port")}: {side.Path}.port");
            }
        }

        private void CheckKnown(IEnumerable<IConfigurationSection> children, string[] known, string prefix)
        {
            foreach (var child in children)
            {
                if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ConfigurationException(
                        $"{Origin(child.Path)}: unknown property '{prefix}{child.Key}'. Known: {string.Join(", ", known)}.");
                }
            }
        }

        private ConfigurationException Error(string key, string expected) =>
            new($"{Origin(key)}: {key.Replace(':', '.')} must be {expected}.");

        /// <summary>Where the value of <paramref name="key"/> (or of something under it) came from: the last provider that has it wins.</summary>
        private string Origin(string key)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (provider.TryGet(key, out _) || provider.GetChildKeys([], key).Any())
                {
                    return provider switch
                    {
                        EnvironmentVariablesConfigurationProvider => $"environment variable {EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}",
                        MemoryConfigurationProvider => $"--set {key}",
                        _ => path,
                    };
                }
            }

            return path;
        }
    }
}
