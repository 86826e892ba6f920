namespace ConnectorHost.Configuration;

/// <summary>The shape of plugins.json, bound from Microsoft.Extensions.Configuration once the raw values are validated.</summary>
public sealed class PluginsJsonOptions
{
    public static readonly string[] Properties = ["pluginsDirectory", "dataDirectory", "source", "destination", "shutdownTimeoutSeconds", "hotReload"];

    public string? PluginsDirectory { get; set; }

    public string? DataDirectory { get; set; }

    public SideOptions? Source { get; set; }

    public SideOptions? Destination { get; set; }

    public double ShutdownTimeoutSeconds { get; set; } = HostConfiguration.DefaultShutdownTimeout.TotalSeconds;

    /// <summary>Serve a rebuilt plugin folder without a restart.</summary>
    public bool HotReload { get; set; } = true;
}

public sealed class SideOptions
{
    public static readonly string[] Properties = ["plugin", "port", "settings"];

    public string? Plugin { get; set; }

    public int? Port { get; set; }

    /// <summary>Operator settings for the plugin (<c>PluginContext.OperatorSettings</c>): limits and permissions clients cannot change.</summary>
    public Dictionary<string, string>? Settings { get; set; }
}
