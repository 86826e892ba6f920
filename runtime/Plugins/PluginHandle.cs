using Microsoft.Extensions.Logging;

namespace ConnectorHost.Plugins;

/// <summary>
/// The served plugin of one side, as dispatch sees it: each call takes a lease on the current instance and returns
/// it when the call ends, so a reload can swap in a new build while in-flight calls finish on the old instance. The old
/// instance is disposed, and its load context unloaded, when its last lease is returned.
/// </summary>
public sealed class PluginHandle<TContract> : IDisposable
    where TContract : class
{
    private readonly Lock _reloadGate = new();
    private volatile PluginInstance<TContract> _current;
    private PluginFolderWatcher? _watcher;
    private Func<FolderFingerprint, PluginInstance<TContract>>? _loadRebuild;
    private ILogger? _reloadLogger;
    private string? _lastReportedFailure;
    private volatile bool _disposed;

    /// <summary>Serves one already-loaded plugin for the life of the handle (no reload).</summary>
    public PluginHandle(LoadedPlugin<TContract> initial)
        : this(new PluginInstance<TContract>(initial, loader: null, FolderFingerprint.None, logger: null))
    {
    }

    internal PluginHandle(PluginInstance<TContract> initial)
    {
        _current = initial;
    }

    public string Name => _current.Plugin.Name;

    public ConnectorSide Side => _current.Plugin.Side;

    /// <summary>The version of the instance new calls go to.</summary>
    public string Version => _current.Plugin.Version;

    public string Directory => _current.Plugin.Directory;

    /// <summary>Raised after a new build replaced the instance; new leases go to it.</summary>
    public event Action<LoadedPlugin<TContract>>? Reloaded;

    /// <summary>Raised when a rebuilt folder (settled, no longer being written) could not be loaded; the old instance keeps serving.</summary>
    public event Action<PluginLoadException>? ReloadFailed;

    /// <summary>Takes the current instance for one call; dispose the lease when the call has ended.</summary>
    public PluginLease<TContract> Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _current;
            if (current.TryHold())
            {
                return new PluginLease<TContract>(current);
            }

            // Lost a race with a reload: the instance just retired, _current already names its successor.
        }
    }

    internal void WatchForRebuilds(PluginFolderWatcher watcher, Func<FolderFingerprint, PluginInstance<TContract>> loadRebuild, ILogger logger)
    {
        _loadRebuild = loadRebuild;
        _reloadLogger = logger;
        _watcher = watcher;
        watcher.Start(ReloadIfRebuilt);
    }

    // Called by the watcher once the folder has been quiet for the quiet period; never concurrently with itself.
    private void ReloadIfRebuilt()
    {
        if (_disposed || _loadRebuild is null || _reloadLogger is null)
        {
            return;
        }

        var before = FolderFingerprint.Take(_current.Plugin.Directory);
        if (before.Equals(_current.Fingerprint))
        {
            return;
        }

        PluginInstance<TContract> next;
        try
        {
            next = _loadRebuild(before);
        }
        catch (Exception e)
        {
            if (!before.Equals(FolderFingerprint.Take(_current.Plugin.Directory)))
            {
                return; // Still being written: the watcher sees those writes and tries again once they stop.
            }

            if (_lastReportedFailure == before.ToString())
            {
                return;
            }

            _lastReportedFailure = before.ToString();
            // Anything else thrown while loading a build (e.g. files vanishing mid-read) is reported like a diagnosis.
            var failure = e as PluginLoadException ?? new PluginLoadException(Name, Side, new AssemblyUnreadable(Directory, $"{e.GetType().Name}: {e.Message}"));
            _reloadLogger.LogError("{Diagnosis} The rebuild was not loaded; version {Version} keeps serving.", failure.Message, Version);
            ReloadFailed?.Invoke(failure);
            return;
        }

        if (!before.Equals(FolderFingerprint.Take(next.Plugin.Directory)))
        {
            next.Release(); // Changed while loading: load the settled folder on the next round.
            return;
        }

        PluginInstance<TContract> previous;
        lock (_reloadGate)
        {
            if (_disposed)
            {
                next.Release();
                return;
            }

            previous = _current;
            _current = next;
        }

        _lastReportedFailure = null;
        _reloadLogger.LogInformation("Plugin {Plugin} reloaded: now serving version {Version} (was {PreviousVersion})",
            next.Plugin.Name, next.Plugin.Version, previous.Plugin.Version);
        previous.Release();
        Reloaded?.Invoke(next.Plugin);
    }

    /// <summary>Stops watching for rebuilds and releases the current instance (disposed once its last lease is returned).</summary>
    public void Dispose()
    {
        PluginInstance<TContract> current;
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
        }

        _watcher?.Dispose();
        current.Release();
    }
}

/// <summary>One call's hold on a plugin instance; disposing it more than once releases it once.</summary>
public sealed class PluginLease<TContract> : IDisposable
    where TContract : class
{
    private readonly PluginInstance<TContract> _instance;
    private int _released;

    internal PluginLease(PluginInstance<TContract> instance)
    {
        _instance = instance;
    }

    public TContract Connector => _instance.Plugin.Connector;

    public string Version => _instance.Plugin.Version;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _instance.Release();
        }
    }
}
