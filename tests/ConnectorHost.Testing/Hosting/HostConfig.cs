using System.Text.Json;

namespace ConnectorHost.Testing.Hosting;

/// <summary>
/// A plugins.json for a test host, written to a temp folder. Ports default to 0: the host binds a free port per side
/// itself and <see cref="HostProcess"/> reads the ports it got from its log, so no other process can take them first.
/// </summary>
public sealed record HostConfig
{
    public string PluginsDirectory { get; init; } = RepoPaths.TestPluginsDirectory;

    public string? SourcePlugin { get; init; }

    public string? DestinationPlugin { get; init; }

    public int SourcePort { get; init; }

    public int DestinationPort { get; init; }

    public double? ShutdownTimeoutSeconds { get; init; }

    /// <summary>plugins.json <c>hotReload</c>; null leaves the host's default (on).</summary>
    public bool? HotReload { get; init; }

    /// <summary>The destination plugin's operator settings (plugins.json <c>destination.settings</c>).</summary>
    public IReadOnlyDictionary<string, string>? DestinationSettings { get; init; }

    /// <summary>A host executable to run as is (e.g. the self-contained one publish.sh makes); null: <c>dotnet</c> the built host.</summary>
    public string? HostExecutable { get; init; }

    /// <summary>Environment variables set for the host process (e.g. TMPDIR), on top of the test's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public int ServedSides => (SourcePlugin is null ? 0 : 1) + (DestinationPlugin is null ? 0 : 1);

    /// <summary>Writes plugins.json (and a data folder) into <paramref name="directory"/>; returns the file's path.</summary>
    public string WriteTo(string directory)
    {
        var json = new Dictionary<string, object?>
        {
            ["pluginsDirectory"] = PluginsDirectory,
            ["dataDirectory"] = Path.Combine(directory, "data"),
            ["source"] = SourcePlugin is null ? null : new { plugin = SourcePlugin, port = SourcePort },
            ["destination"] = DestinationPlugin is null ? null
                : DestinationSettings is null ? new { plugin = DestinationPlugin, port = DestinationPort }
                : new { plugin = DestinationPlugin, port = DestinationPort, settings = DestinationSettings },
        };
        if (HotReload is { } hotReload)
        {
            json["hotReload"] = hotReload;
        }

        if (ShutdownTimeoutSeconds is { } seconds)
        {
            json["shutdownTimeoutSeconds"] = seconds;
        }

        var path = Path.Combine(directory, "plugins.json");
        File.WriteAllText(path, JsonSerializer.Serialize(json));
        return path;
    }
}
