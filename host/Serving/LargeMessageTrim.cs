namespace ConnectorHost.Serving;

/// <summary>
/// The transport buffers a whole request message before it is parsed. After a burst of large ones (six concurrent
/// 100 MiB requests held about 2 GB), the freed memory stays committed: nothing else allocates, so no collection runs
/// and the idle host keeps gigabytes. Once large messages have stopped arriving for a moment, one aggressive,
/// compacting collection gives the memory back to the system (retried a few times while calls still hold it).
/// </summary>
public sealed class LargeMessageTrim
{
    public const int LargeMessageBytes = 8 * 1024 * 1024;
    private const int Attempts = 10;
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly Timer _timer;
    private long _lastLargeMessage;
    private int _attemptsLeft;

    private LargeMessageTrim()
    {
        _timer = new Timer(_ => Trim(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public static LargeMessageTrim Shared { get; } = new();

    /// <summary>Called for every request message with its size; only large ones arm the trim.</summary>
    public void Seen(int messageBytes)
    {
        if (messageBytes < LargeMessageBytes)
        {
            return;
        }

        Volatile.Write(ref _lastLargeMessage, Environment.TickCount64);
        Volatile.Write(ref _attemptsLeft, Attempts);
        _timer.Change(Quiet, Quiet);
    }

    private void Trim()
    {
        if (Environment.TickCount64 - Volatile.Read(ref _lastLargeMessage) < Quiet.TotalMilliseconds)
        {
            return;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (GC.GetTotalMemory(forceFullCollection: false) < LargeMessageBytes * 4L || Interlocked.Decrement(ref _attemptsLeft) <= 0)
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }
}
