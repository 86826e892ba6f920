using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Testing.Sync;
using Spectre.Console;

namespace ConnectorHost.Tools.Debug;

/// <summary>
/// Shows a running sync: a live line (records, records/s, batches, checkpoints, elapsed) on a terminal, or a plain
/// line every few seconds when the output is not one (CI, a pipe), plus every step and warning as it happens.
/// </summary>
internal sealed class SyncProgressDisplay(IAnsiConsole console) : ISyncObserver
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _records;
    private long _batches;
    private long _rowsWritten;
    private long _checkpoints;
    private string _step = "starting";

    public bool Interactive => console.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="sync"/> with the display attached; returns its result.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> sync)
    {
        if (Interactive)
        {
            return await console.Status().Spinner(Spinner.Known.Dots).StartAsync("starting", async context =>
            {
                using var stop = new CancellationTokenSource();
                var refresh = RefreshAsync(() => context.Status(Markup.Escape(Line())), TimeSpan.FromMilliseconds(200), stop.Token);
                try
                {
                    return await sync().ConfigureAwait(false);
                }
                finally
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    await refresh.ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        using var stopPlain = new CancellationTokenSource();
        var plain = RefreshAsync(() => console.WriteLine(Line()), PlainInterval, stopPlain.Token);
        try
        {
            return await sync().ConfigureAwait(false);
        }
        finally
        {
            await stopPlain.CancelAsync().ConfigureAwait(false);
            await plain.ConfigureAwait(false);
        }
    }

    public void Step(string message)
    {
        _step = message;
        console.MarkupLine($"[grey]{Markup.Escape(Elapsed())}[/] {Markup.Escape(message)}");
    }

    public void RecordsRead(long total) => Interlocked.Exchange(ref _records, total);

    public void BatchWritten(TableProgress table, long rows, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rowsWritten, rows);
        console.MarkupLine($"[grey]{Markup.Escape(Elapsed())}[/] WriteBatch {Markup.Escape(table.SchemaName)}.{Markup.Escape(table.TableName)}: " +
                           $"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows in {elapsed.TotalSeconds:0.00} s");
    }

    public void CheckpointSaved(string stateJson)
    {
        Interlocked.Increment(ref _checkpoints);
        console.MarkupLine($"[grey]{Markup.Escape(Elapsed())}[/] checkpoint saved: {Markup.Escape(Shorten(stateJson))}");
    }

    public void Warning(string message) => console.MarkupLine($"[yellow]WARNING[/] {Markup.Escape(message)}");

    private string Line()
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var records = Interlocked.Read(ref _records);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Elapsed()} {_step}: {records:N0} records ({records / seconds:N0}/s), {Interlocked.Read(ref _batches):N0} batches " +
            $"({Interlocked.Read(ref _rowsWritten):N0} rows written), {Interlocked.Read(ref _checkpoints):N0} checkpoints");
    }

    private string Elapsed() => _clock.Elapsed.ToString(@"mm\:ss\.f", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static async Task RefreshAsync(Action update, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                update();
            }
        }
        catch (OperationCanceledException)
        {
            // The sync ended.
        }
    }
}
