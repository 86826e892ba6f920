using System.Runtime.InteropServices;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a shared, loaded machine this says
/// what one core needs for the work, where wall-clock time also counts the time the thread waited for a core.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);

    public static bool IsAvailable => OperatingSystem.IsLinux();

    public static double NowSeconds() => Now(ClockThreadCpuTimeId);

    /// <summary>CPU time of the whole process (all threads: a native library's own threads, GC, JIT too).</summary>
    public static double ProcessNowSeconds() => Now(ClockProcessCpuTimeId);

    private const int ClockProcessCpuTimeId = 2;

    private static double Now(int clock)
    {
        if (!IsAvailable || ClockGetTime(clock, out var time) != 0)
        {
            return double.NaN;
        }
        return time.Seconds + time.Nanoseconds / 1e9;
    }
}
