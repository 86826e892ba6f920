namespace ConnectorHost.Plugins;

/// <summary>
/// The served plugin of one side, as dispatch sees it: each call takes a lease on the current instance and returns
/// it when the call ends, so a reload can swap in a new build while in-flight calls finish on the old instance.
/// </summary>
public sealed class PluginHandle<TContract>
    where TContract : class
{
    private volatile LoadedPlugin<TContract> _current;

    public PluginHandle(LoadedPlugin<TContract> initial)
    {
        _current = initial;
    }

    public string Name => _current.Name;

    public ConnectorSide Side => _current.Side;

    /// <summary>The version of the instance new calls go to.</summary>
    public string Version => _current.Version;

    public string Directory => _current.Directory;

    /// <summary>Raised after a new build replaced the instance; new leases go to it.</summary>
    public event Action<LoadedPlugin<TContract>>? Reloaded;

    /// <summary>Takes the current instance for one call; dispose the lease when the call has ended.</summary>
    public PluginLease<TContract> Acquire() => new(_current);

    internal void Replace(LoadedPlugin<TContract> next)
    {
        _current = next;
        Reloaded?.Invoke(next);
    }
}

/// <summary>One call's hold on a plugin instance.</summary>
public readonly struct PluginLease<TContract>(LoadedPlugin<TContract> plugin) : IDisposable
    where TContract : class
{
    public TContract Connector => plugin.Connector;

    public string Version => plugin.Version;

    public void Dispose()
    {
    }
}
