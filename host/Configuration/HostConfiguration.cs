namespace ConnectorHost.Configuration;

/// <summary>plugins.json after validation, with every path absolute.</summary>
public sealed record HostConfiguration(
    string ConfigPath,
    string PluginsDirectory,
    string DataDirectory,
    SideConfiguration? Source,
    SideConfiguration? Destination,
    TimeSpan ShutdownTimeout)
{
    public const int DefaultSourcePort = 50051;
    public const int DefaultDestinationPort = 50052;
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(5);
}

/// <summary>One served side: which plugin answers the contract and on which port (without --port).</summary>
public sealed record SideConfiguration(string Plugin, int Port);
