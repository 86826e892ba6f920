namespace ConnectorHost.Serving;

/// <summary>
/// The transport buffers a whole request message before it is parsed. After a burst of large ones (six concurrent
/// 100 MiB requests held about 2 GB), the freed memory stays committed: nothing else allocates, so no collection runs
/// and the idle host keeps gigabytes. After a large message, once its call and every other call have ended, one
/// aggressive, compacting collection gives the memory back to the system. While the heap is still large (the
/// transport may not have released the buffers yet on a loaded machine) it tries again with growing pauses, a
/// bounded number of times per large message, so a host whose heap is simply large does not collect forever.
/// </summary>
public sealed class LargeMessageTrim
{
    public const int LargeMessageBytes = 8 * 1024 * 1024;
    private const int Attempts = 8; // pauses of 1, 2, 4 ... 128 s: about four minutes in all
    private const long ReturnedBelowBytes = LargeMessageBytes * 4L;
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private readonly Timer _timer;
    private bool _memoryToReturn;
    private bool _scheduled;
    private int _attempt;
    private int _callsInFlight;

    private LargeMessageTrim()
    {
        _timer = new Timer(_ => Trim(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public static LargeMessageTrim Shared { get; } = new();

    /// <summary>Called for every request message with its size; only large ones start a trim.</summary>
    public void Seen(int messageBytes)
    {
        if (messageBytes < LargeMessageBytes)
        {
            return;
        }

        lock (_lock)
        {
            _memoryToReturn = true;
            _attempt = 0;
            Schedule(FirstPause);
        }
    }

    public void CallStarted() => Interlocked.Increment(ref _callsInFlight);

    /// <summary>Called when any call ends: a large request's memory is free only once its call has ended.</summary>
    public void CallEnded()
    {
        if (Interlocked.Decrement(ref _callsInFlight) != 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_memoryToReturn && !_scheduled)
            {
                Schedule(FirstPause);
            }
        }
    }

    private void Schedule(TimeSpan after)
    {
        _scheduled = true;
        _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    private void Trim()
    {
        lock (_lock)
        {
            _scheduled = false;
            if (!_memoryToReturn)
            {
                return;
            }

            if (Volatile.Read(ref _callsInFlight) > 0)
            {
                return; // the last call to end schedules the next attempt
            }
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var returned = GC.GetTotalMemory(forceFullCollection: false) < ReturnedBelowBytes;
        lock (_lock)
        {
            if (returned || ++_attempt >= Attempts)
            {
                _memoryToReturn = false;
            }
            else if (!_scheduled)
            {
                Schedule(FirstPause * (1 << _attempt));
            }
        }
    }
}
