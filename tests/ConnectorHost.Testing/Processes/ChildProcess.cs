using System.Diagnostics;
using System.Text;

namespace ConnectorHost.Testing.Processes;

/// <summary>How a child process ended: its exit code and everything it wrote (stdout and stderr interleaved as read).</summary>
public sealed record ChildProcessResult(int ExitCode, string Output, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

/// <summary>
/// The one way tests run a command (other than the host, which <see cref="Hosting.HostProcess"/> runs): output read
/// as it comes (no pipe can fill and block the child), a timeout that kills the whole tree and says so, an optional
/// line callback for tests that act on a line the child prints (the callback must not throw; the run reports it).
/// </summary>
public static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static Task<ChildProcessResult> RunAsync(string file, params string[] arguments) =>
        RunAsync(Start(file, arguments));

    /// <summary>A start info for <paramref name="file"/> with each argument passed as is (no shell quoting).</summary>
    public static ProcessStartInfo Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Runs to exit; <paramref name="onLine"/> sees every stdout line (e.g. to kill the child at a marker).</summary>
    public static async Task<ChildProcessResult> RunAsync(ProcessStartInfo start, TimeSpan? timeout = null,
        Action<Process, string>? onLine = null, CancellationToken cancellationToken = default)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        Exception? callbackFailure = null;
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(output, e.Data);
            try
            {
                onLine?.Invoke(process, e.Data);
            }
            catch (Exception failure)
            {
                callbackFailure ??= failure;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(output, e.Data);
                Append(errors, e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start '{start.FileName}': {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? DefaultTimeout;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new TimeoutException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' did not exit within {limit}. Output:\n{Snapshot(output)}");
        }

        // The parameterless wait also drains the redirected streams to their end.
        process.WaitForExit();
        if (callbackFailure is not null)
        {
            throw new InvalidOperationException($"The line callback failed: {callbackFailure.Message}. Output:\n{Snapshot(output)}", callbackFailure);
        }

        return new ChildProcessResult(process.ExitCode, Snapshot(output), Snapshot(errors));
    }

    private static void Append(StringBuilder text, string line)
    {
        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
