namespace DuckDbDestination.Storage;

/// <summary>
/// Dates and times as DuckDB's vectors hold them (duckdb.h): DATE as days since 1970-01-01, TIME as microseconds
/// since midnight, TIMESTAMP and TIMESTAMPTZ as microseconds since 1970-01-01 (UTC for TIMESTAMPTZ). Sub-microsecond
/// digits are cut towards the past, as DuckDB.NET's appender does, so a value lands the same way on either path.
/// </summary>
internal static class DuckDbTimes
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
    private static readonly int s_epochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    private static readonly long s_epochMicroseconds = DateTime.UnixEpoch.Ticks / TicksPerMicrosecond;

    public static int Days(DateOnly date) => date.DayNumber - s_epochDay;

    public static long Microseconds(TimeOnly time) => time.Ticks / TicksPerMicrosecond;

    // Ticks are never negative, so dividing before subtracting the epoch rounds towards the past on both sides of 1970.
    public static long Microseconds(DateTime naive) => (naive.Ticks / TicksPerMicrosecond) - s_epochMicroseconds;

    public static long Microseconds(DateTimeOffset instant) => (instant.UtcTicks / TicksPerMicrosecond) - s_epochMicroseconds;
}
