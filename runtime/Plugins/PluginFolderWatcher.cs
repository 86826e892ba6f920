namespace ConnectorHost.Plugins;

/// <summary>
/// Watches one plugin folder and calls back once per burst of changes: a rebuild writes many files, so the callback runs
/// only after the folder has seen no change for the quiet period. Watches the plugins directory (not the plugin folder
/// itself) so a folder deleted and recreated by a clean rebuild is still followed. Callbacks never overlap.
/// </summary>
internal sealed class PluginFolderWatcher : IDisposable
{
    private readonly string _pluginDirectory;
    private readonly TimeSpan _quietPeriod;
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private long _changeCount;
    private Task? _loop;

    public PluginFolderWatcher(string pluginsDirectory, string pluginDirectory, TimeSpan quietPeriod)
    {
        _pluginDirectory = Path.GetFullPath(pluginDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        _quietPeriod = quietPeriod;
        _watcher = new FileSystemWatcher(pluginsDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
    }

    public void Start(Action onSettled)
    {
        _loop = Task.Run(() => RunAsync(onSettled, _stop.Token));
        _watcher.EnableRaisingEvents = true;
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        var path = Path.GetFullPath(e.FullPath);
        if (!(path + Path.DirectorySeparatorChar).StartsWith(_pluginDirectory, StringComparison.Ordinal) &&
            !(e is RenamedEventArgs renamed && (Path.GetFullPath(renamed.OldFullPath) + Path.DirectorySeparatorChar).StartsWith(_pluginDirectory, StringComparison.Ordinal)))
        {
            return;
        }

        Interlocked.Increment(ref _changeCount);
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the loop will see the new count.
        }
    }

    private async Task RunAsync(Action onSettled, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stop).ConfigureAwait(false);
                long seen;
                do
                {
                    seen = Interlocked.Read(ref _changeCount);
                    await Task.Delay(_quietPeriod, stop).ConfigureAwait(false);
                }
                while (Interlocked.Read(ref _changeCount) != seen);

                onSettled();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
