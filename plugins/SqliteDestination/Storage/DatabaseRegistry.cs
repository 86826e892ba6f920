namespace SqliteDestination.Storage;

/// <summary>
/// The databases this plugin has open, at most <c>maxOpen</c> of them idle at a time. Each database keeps pooled
/// connections (about three file descriptors and a page cache each) so calls stay fast; without a bound, a client
/// naming ever new database paths would exhaust descriptors. When a call ends and more databases than the bound are
/// known, the least recently used idle ones close their connections and are forgotten (the next call reopens them).
/// </summary>
internal sealed class DatabaseRegistry(int maxOpen)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The database at <paramref name="path"/>, kept open until the lease is disposed.</summary>
    public Lease Acquire(string path)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(path, out var entry))
            {
                entry = new Entry(new SqliteDatabase(path));
                _entries.Add(path, entry);
            }
            entry.InUse++;
            entry.LastUsed = ++_clock;
            return new Lease(this, entry);
        }
    }

    /// <summary>How many databases are known (open or idle); for tests.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private void Release(Entry entry)
    {
        List<Entry>? evicted = null;
        lock (_lock)
        {
            entry.InUse--;
            entry.LastUsed = ++_clock;
            while (_entries.Count > maxOpen)
            {
                var idlest = _entries.Values.Where(e => e.InUse == 0).MinBy(e => e.LastUsed);
                if (idlest is null)
                {
                    break; // every database is in a call: the bound is exceeded only while they run
                }
                _entries.Remove(idlest.Database.FilePath);
                (evicted ??= []).Add(idlest);
            }
        }
        foreach (var idle in evicted ?? [])
        {
            idle.Database.ClosePooledConnections();
        }
    }

    internal sealed class Entry(SqliteDatabase database)
    {
        public SqliteDatabase Database { get; } = database;

        public int InUse { get; set; }

        public long LastUsed { get; set; }
    }

    public sealed class Lease : IDisposable
    {
        private readonly DatabaseRegistry _registry;
        private readonly Entry _entry;
        private int _disposed;

        internal Lease(DatabaseRegistry registry, Entry entry)
        {
            _registry = registry;
            _entry = entry;
        }

        public SqliteDatabase Database => _entry.Database;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _registry.Release(_entry);
            }
        }
    }
}
