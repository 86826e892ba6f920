using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>
/// A plugin folder rebuilt while the handle serves it: HotReloadProbe answers "build 1", "build 2" or fails in its
/// constructor ("broken build"), three builds of one source made beforehand; a test copies one over a running copy.
/// </summary>
public sealed class HotReloadTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string Builds = Path.Combine(RepoPaths.Root, "artifacts", "test-plugin-builds");

    private readonly TempPluginsDirectory _plugins = new();
    private readonly string _data = Directory.CreateTempSubdirectory("connectorhost-data-").FullName;
    private readonly RecordingLoggerFactory _logs = new();
    private readonly string _folder;

    public HotReloadTests()
    {
        _folder = _plugins.CopyPlugin("HotReloadProbe");
    }

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_rebuild_serves_the_next_call_while_the_call_in_flight_finishes_on_the_old_build()
    {
        using var handle = Open();
        Assert.Equal("1.0.0", handle.Version);
        var reloads = new ConcurrentQueue<LoadedPlugin<ISourceConnector>>();
        var reloaded = new TaskCompletionSource<LoadedPlugin<ISourceConnector>>(TaskCreationOptions.RunContinuationsAsynchronously);
        handle.Reloaded += plugin =>
        {
            reloads.Enqueue(plugin);
            reloaded.TrySetResult(plugin);
        };

        var inFlight = handle.Acquire();
        var answers = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<Exception>();
        var sawBuild1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawBuild2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var caller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var lease = handle.Acquire();
                    var answer = (await lease.Connector.TestAsync(new TestRequest(), CancellationToken.None)).Failure;
                    answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
                    (answer == "build 1" ? sawBuild1 : sawBuild2).TrySetResult();
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        });

        await sawBuild1.Task.WaitAsync(Timeout);
        CopyBuildOver("HotReloadProbeV2");
        var next = await reloaded.Task.WaitAsync(Timeout);
        await sawBuild2.Task.WaitAsync(Timeout);
        await stop.CancelAsync();
        await caller;

        Assert.Empty(failures);
        Assert.Equal("2.0.0", next.Version);
        Assert.Equal("2.0.0", handle.Version);
        Assert.Equal(["build 1", "build 2"], answers.Keys.Order());
        Assert.Contains("Plugin HotReloadProbe reloaded: now serving version 2.0.0 (was 1.0.0)", _logs.Messages(LogLevel.Information));

        // The call that held build 1 across the reload still runs on it, and only its end retires build 1.
        Assert.DoesNotContain("HotReloadProbe build 1 disposed", _logs.Messages(LogLevel.Information));
        Assert.Equal("build 1", (await inFlight.Connector.TestAsync(new TestRequest(), CancellationToken.None)).Failure);
        inFlight.Dispose();
        await _logs.WaitForAsync(m => m == "HotReloadProbe build 1 disposed", Timeout);

        Assert.Single(reloads); // one reload for one rebuild, however many files it wrote
        using var after = handle.Acquire();
        Assert.Equal("build 2", (await after.Connector.TestAsync(new TestRequest(), CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_broken_rebuild_keeps_the_old_build_serving_and_logs_the_diagnosis()
    {
        using var handle = Open();
        var failed = new TaskCompletionSource<PluginLoadException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloaded = new TaskCompletionSource<LoadedPlugin<ISourceConnector>>(TaskCreationOptions.RunContinuationsAsynchronously);
        handle.ReloadFailed += e => failed.TrySetResult(e);
        handle.Reloaded += plugin => reloaded.TrySetResult(plugin);

        CopyBuildOver("HotReloadProbeBroken");
        var failure = await failed.Task.WaitAsync(Timeout);

        Assert.IsType<ConstructorThrew>(failure.Diagnosis);
        var severe = Assert.Single(_logs.Messages(LogLevel.Error));
        Assert.Equal("Cannot load source plugin 'HotReloadProbe': the constructor of HotReloadProbe.HotReloadProbe threw InvalidOperationException: " +
                     "HotReloadProbe broken build cannot start. Fix the plugin (or the configuration it reads at start-up); constructors should not fail. " +
                     "The rebuild was not loaded; version 1.0.0 keeps serving.", severe);
        Assert.Equal("1.0.0", handle.Version);
        using (var lease = handle.Acquire())
        {
            Assert.Equal("build 1", (await lease.Connector.TestAsync(new TestRequest(), CancellationToken.None)).Failure);
        }

        // Fixing the build is picked up like any rebuild.
        CopyBuildOver("HotReloadProbeV2");
        Assert.Equal("2.0.0", (await reloaded.Task.WaitAsync(Timeout)).Version);
    }

    [Fact]
    public async Task The_old_build_is_unloaded_once_its_last_lease_is_returned()
    {
        using var handle = Open();
        var reloaded = new TaskCompletionSource<LoadedPlugin<ISourceConnector>>(TaskCreationOptions.RunContinuationsAsynchronously);
        handle.Reloaded += plugin => reloaded.TrySetResult(plugin);
        var oldContext = await CallAndTrackContextAsync(handle);

        CopyBuildOver("HotReloadProbeV2");
        await reloaded.Task.WaitAsync(Timeout);
        await _logs.WaitForAsync(m => m == "HotReloadProbe build 1 disposed", Timeout);

        var clock = Stopwatch.StartNew();
        while (oldContext.IsAlive && clock.Elapsed < Timeout)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Yield();
        }

        Assert.False(oldContext.IsAlive, "build 1's load context is still referenced after it was retired");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> CallAndTrackContextAsync(PluginHandle<ISourceConnector> handle)
    {
        using var lease = handle.Acquire();
        Assert.Equal("build 1", (await lease.Connector.TestAsync(new TestRequest(), CancellationToken.None)).Failure);
        var context = AssemblyLoadContext.GetLoadContext(lease.Connector.GetType().Assembly);
        Assert.NotNull(context);
        Assert.True(context.IsCollectible);
        return new WeakReference(context);
    }

    // A quiet period well above the copy's duration even on a loaded machine, so one copy is one rebuild.
    private PluginHandle<ISourceConnector> Open() =>
        new PluginLoader(_plugins.Path, _data, hotReload: true, reloadQuietPeriod: TimeSpan.FromSeconds(1))
            .Open<ISourceConnector>("HotReloadProbe", ConnectorSide.Source, _logs);

    // As `dotnet build -o` would: every file of the other build written over the running one's, in place.
    private void CopyBuildOver(string build) => PluginLoaderTests.CopyFolder(Path.Combine(Builds, build), _folder);
}
