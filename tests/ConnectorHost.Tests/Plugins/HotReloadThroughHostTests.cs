using System.Collections.Concurrent;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>Hot reload as a client of the real host sees it: a plugin folder rebuilt while calls keep coming.</summary>
public sealed class HotReloadThroughHostTests : IDisposable
{
    private static readonly string Builds = Path.Combine(RepoPaths.Root, "artifacts", "test-plugin-builds");
    private readonly TempPluginsDirectory _plugins = new();

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public async Task A_client_calling_in_a_loop_sees_no_failed_call_and_the_new_build_after_a_rebuild_and_a_broken_one_changes_nothing()
    {
        var folder = _plugins.CopyPlugin("HotReloadProbe");
        await using var host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = _plugins.Path, SourcePlugin = "HotReloadProbe" });
        var answers = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<RpcException>();
        var sawBuild2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var caller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var answer = (await host.SourceClient.TestAsync(new TestRequest { Name = "which" })).Failure;
                    answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
                    if (answer == "build 2")
                    {
                        sawBuild2.TrySetResult();
                    }
                }
                catch (RpcException e)
                {
                    failures.Enqueue(e);
                }
            }
        });

        Assert.Equal("build 1", (await host.SourceClient.TestAsync(new TestRequest { Name = "which" })).Failure);
        PluginLoaderTests.CopyFolder(Path.Combine(Builds, "HotReloadProbeV2"), folder);
        await host.WaitForLogAsync(l => l.Message?.StartsWith("Plugin HotReloadProbe reloaded: now serving version", StringComparison.Ordinal) == true);
        await sawBuild2.Task.WaitAsync(TimeSpan.FromSeconds(30));

        PluginLoaderTests.CopyFolder(Path.Combine(Builds, "HotReloadProbeBroken"), folder);
        var refused = await host.WaitForLogAsync(l => l.Level == "SEVERE" && l.Message?.Contains("keeps serving", StringComparison.Ordinal) == true);
        var afterBroken = (await host.SourceClient.TestAsync(new TestRequest { Name = "which" })).Failure;
        await stop.CancelAsync();
        await caller;

        Assert.Empty(failures);
        Assert.True(answers.ContainsKey("build 1"));
        Assert.Equal("build 2", afterBroken);
        Assert.DoesNotContain("broken build", answers.Keys);
        Assert.Contains("HotReloadProbe", refused.Message);
    }
}
