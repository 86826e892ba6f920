using Microsoft.Extensions.Logging;
using McMasterPluginLoader = McMaster.NETCore.Plugins.PluginLoader;

namespace ConnectorHost.Plugins;

/// <summary>
/// One loaded build of a plugin and the holds on it: one for being the handle's current instance, one per lease. When
/// the last hold is released the plugin is disposed (if it is disposable) and its load context unloaded.
/// </summary>
internal sealed class PluginInstance<TContract>(LoadedPlugin<TContract> plugin, McMasterPluginLoader? loader, FolderFingerprint fingerprint, ILogger? logger)
    where TContract : class
{
    private int _holds = 1;

    public LoadedPlugin<TContract> Plugin { get; } = plugin;

    /// <summary>The folder as it was when this build was loaded.</summary>
    public FolderFingerprint Fingerprint { get; } = fingerprint;

    public bool TryHold()
    {
        while (true)
        {
            var holds = Volatile.Read(ref _holds);
            if (holds == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        var holds = Interlocked.Decrement(ref _holds);
        if (holds == 0)
        {
            // Off the releasing call's thread: a plugin's DisposeAsync may take its time.
            _ = System.Threading.Tasks.Task.Run(RetireAsync);
        }
        else if (holds < 0)
        {
            throw new InvalidOperationException($"Plugin instance {Plugin.Name} {Plugin.Version} released more often than held.");
        }
    }

    private async Task RetireAsync()
    {
        try
        {
            switch (Plugin.Connector)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception e)
        {
            logger?.LogWarning("Plugin {Plugin} version {Version} failed while being disposed: {ExceptionType}: {Message}",
                Plugin.Name, Plugin.Version, e.GetType().Name, e.Message);
        }
        finally
        {
            // Unload starts here; the context is collected once nothing references its types any more.
            loader?.Dispose();
        }
    }
}
