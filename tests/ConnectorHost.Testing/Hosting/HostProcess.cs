using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ConnectorHost.Testing.Grpc;
using FivetranSdk.V2;

namespace ConnectorHost.Testing.Hosting;

/// <summary>
/// The real host executable started for a test: a temp plugins.json, stdout captured as parsed log lines, ready
/// when it has logged its "ConnectorHost ready" line. The ports come from its "Serving ... on port N" lines (the
/// config asks for port 0, so the host binds free ports itself). Dispose stops it (SIGTERM, then kill) and cleans up.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The start of the INFO line the host logs once every configured side accepts calls.</summary>
    public const string ReadyMessage = "ConnectorHost ready";

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<HostLogLine> _lines = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostClient? _sourcePortClients;
    private HostClient? _destinationPortClients;
    private event Action? LineAdded;

    private HostProcess(Process process, string directory, HostConfig config)
    {
        _process = process;
        _directory = directory;
        Config = config;
    }

    public HostConfig Config { get; }

    /// <summary>The port the host logged serving the source side on.</summary>
    public int SourcePort => ServedPort("source");

    /// <summary>The port the host logged serving the destination side on.</summary>
    public int DestinationPort => ServedPort("destination");

    /// <summary>Clients for the source side's port (one channel, closed when the host is disposed).</summary>
    public HostClient SourcePortClients => _sourcePortClients ??= new HostClient(SourcePort);

    /// <summary>Clients for the destination side's port (one channel, closed when the host is disposed).</summary>
    public HostClient DestinationPortClients => _destinationPortClients ??= new HostClient(DestinationPort);

    public SourceConnector.SourceConnectorClient SourceClient => SourcePortClients.Source;

    public DestinationConnector.DestinationConnectorClient DestinationClient => DestinationPortClients.Destination;

    /// <summary>The host's temp folder: plugins.json and the plugins' data folder (<c>data/</c>).</summary>
    public string Directory => _directory;

    public string DataDirectory => Path.Combine(_directory, "data");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<HostLogLine> Logs
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    /// <summary>Lines the host wrote to stderr (start-up errors are repeated there for humans; logs go to stdout).</summary>
    public IReadOnlyList<string> StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToList();
            }
        }
    }

    /// <summary>Starts the host and waits until it serves every configured side (or fails with its output).</summary>
    public static async Task<HostProcess> StartAsync(HostConfig config, params string[] extraArgs)
    {
        var host = Launch(config, extraArgs);
        try
        {
            await host.WaitForLogAsync(l => l.Message?.StartsWith(ReadyMessage, StringComparison.Ordinal) == true,
                DefaultTimeout, $"the host's \"{ReadyMessage}\" line").ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs the host until it exits by itself (start-up failures); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<HostLogLine> Logs)> RunToExitAsync(HostConfig config, params string[] extraArgs)
    {
        await using var host = Launch(config, extraArgs);
        var exitCode = await host.WaitForExitAsync(DefaultTimeout).ConfigureAwait(false);
        return (exitCode, host.Logs);
    }

    /// <summary>Starts the host with exactly these arguments (no plugins.json written unless the config is given).</summary>
    public static HostProcess Launch(HostConfig config, params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("connectorhost-test-").FullName;
        var configPath = config.WriteTo(directory);
        // Through env(1), which execs the host in place (same process id) with SIGINT and SIGQUIT at their default
        // handling: a test run started from a non-interactive shell in the background inherits them ignored, and
        // .NET then never sees them, so a "Ctrl-C drains and exits 0" test would wait forever.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("--default-signal=INT,QUIT");
        start.ArgumentList.Add(config.HostExecutable ?? "dotnet");
        if (config.HostExecutable is null)
        {
            start.ArgumentList.Add(RepoPaths.HostDll);
        }

        if (!extraArgs.Contains("--config"))
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(configPath);
        }

        foreach (var arg in extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in config.Environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, directory, config);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._gate)
                {
                    host._stderr.Add(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for a logged line; fails with the output if the host exits first
    /// or the time is up. A condition that throws (e.g. on a line that is not JSON) fails the wait with that line,
    /// never the process reader.
    /// </summary>
    public async Task<HostLogLine> WaitForLogAsync(Func<HostLogLine, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var found = new TaskCompletionSource<HostLogLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            foreach (var line in Logs)
            {
                try
                {
                    if (condition(line))
                    {
                        found.TrySetResult(line);
                        return;
                    }
                }
                catch (Exception e)
                {
                    found.TrySetException(new InvalidOperationException(
                        $"Waiting for {what ?? "a log line"}: the condition threw {e.GetType().Name} on the line: {line.Raw}", e));
                    return;
                }
            }
        }

        LineAdded += Check;
        try
        {
            Check();
            var completed = await Task.WhenAny(found.Task, _stdoutClosed.Task, Task.Delay(timeout ?? DefaultTimeout)).ConfigureAwait(false);
            Check();
            if (found.Task.IsCompleted)
            {
                return await found.Task.ConfigureAwait(false);
            }

            var reason = completed == _stdoutClosed.Task ? "the host exited" : "timed out";
            throw new TimeoutException($"Waiting for {what ?? "a log line"}: {reason}. Output:\n{string.Join('\n', Logs)}");
        }
        finally
        {
            LineAdded -= Check;
        }
    }

    /// <summary>Waits for a line whose message starts with <paramref name="prefix"/>.</summary>
    public Task<HostLogLine> WaitForMessageAsync(string prefix, TimeSpan? timeout = null) =>
        WaitForLogAsync(l => l.Message?.StartsWith(prefix, StringComparison.Ordinal) == true, timeout, $"a line starting \"{prefix}\"");

    private int ServedPort(string side)
    {
        foreach (var line in Logs)
        {
            if (line.Message is { } message && ServingLine().Match(message) is { Success: true } match && match.Groups["side"].Value == side)
            {
                return int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"The host did not log serving its {side} side. Output:\n{string.Join('\n', Logs)}");
    }

    /// <summary>The host's per-side line: <c>Serving source plugin ExampleSource 1.0.0 as fivetran_sdk.v2.SourceConnector on port 50051</c>.</summary>
    [GeneratedRegex(@"^Serving (?<side>source|destination) plugin \S+ \S+ as \S+ on port (?<port>\d+)$")]
    private static partial Regex ServingLine();

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
        }

        return await WaitForExitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The host did not exit within {timeout}. Output:\n{string.Join('\n', Logs)}");
        }

        await _stdoutClosed.Task.WaitAsync(timeout).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _sourcePortClients?.Dispose();
        _destinationPortClients?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // Killed by WaitForExitAsync.
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _stdoutClosed.TrySetResult();
            LineAdded?.Invoke();
            return;
        }

        lock (_gate)
        {
            _lines.Add(HostLogLine.Parse(line));
        }

        LineAdded?.Invoke();
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
