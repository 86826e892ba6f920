namespace ConnectorHost.Hosting;

/// <summary>The host's process exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Could not listen (port in use, no permission) or another start-up failure outside plugins.</summary>
    public const int StartupFailed = 1;
    /// <summary>Invalid command line or plugins.json.</summary>
    public const int InvalidConfiguration = 2;
    /// <summary>A configured plugin could not be loaded.</summary>
    public const int PluginLoadFailed = 3;
}
