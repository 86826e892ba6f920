using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Serving;

/// <summary>Issue 14 item 10: large concurrent requests must not leave the idle host holding all of their memory.</summary>
public sealed class MemoryAfterBurstTests
{
    private const int MessageBytes = 100 * 1024 * 1024;
    // Without the host's trim the burst leaves 1.8–2.1 GB above idle; with it, 0.76–0.88 GB (measured 2026-12-01).
    // What still holds those ~0.8 GB is not found yet (issue 14 item 10 stays open): this bound guards the trim.
    private const long AllowedAboveIdle = 1536L * 1024 * 1024;

    [Fact]
    public async Task After_six_concurrent_100_MiB_requests_the_host_gives_most_of_their_memory_back()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { DestinationPlugin = "ProbeDestination" });
        await host.DestinationClient.ConfigurationFormAsync(new ConfigurationFormRequest());
        var idle = ResidentBytes(host.ProcessId);
        var request = new TestRequest { Name = "ok", Configuration = { ["padding"] = new string('x', MessageBytes) } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.DestinationClient.TestAsync(request).ResponseAsync));
        Assert.All(answers, a => Assert.True(a.Success));

        // Waits (bounded) for the host's trim after the burst; fails with the figure if memory stays up.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        long now;
        while ((now = ResidentBytes(host.ProcessId)) > idle + AllowedAboveIdle && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(now <= idle + AllowedAboveIdle, $"resident memory {now / 1048576} MiB after the burst, idle was {idle / 1048576} MiB");
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
