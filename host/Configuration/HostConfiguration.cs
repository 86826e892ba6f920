namespace ConnectorHost.Configuration;

/// <summary>plugins.json (with environment and command-line overrides) after validation, with every path absolute.</summary>
public sealed record HostConfiguration(
    string ConfigPath,
    string PluginsDirectory,
    string DataDirectory,
    SideConfiguration? Source,
    SideConfiguration? Destination,
    TimeSpan ShutdownTimeout,
    bool HotReload = true)
{
    public const int DefaultSourcePort = 50051;
    public const int DefaultDestinationPort = 50052;
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(5);
}

/// <summary>
/// One served side: which plugin answers the contract, on which port (without --port; 0 = any free port), and the
/// operator's settings for it (handed to the plugin as <c>PluginContext.OperatorSettings</c>).
/// </summary>
public sealed record SideConfiguration(string Plugin, int Port, IReadOnlyDictionary<string, string>? Settings = null)
{
    public IReadOnlyDictionary<string, string> OperatorSettings => Settings ?? EmptySettings;

    private static readonly IReadOnlyDictionary<string, string> EmptySettings = new Dictionary<string, string>();
}
