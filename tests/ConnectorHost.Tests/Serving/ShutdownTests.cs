using FivetranSdk.V2;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.Serving;

/// <summary>Draining inside the grace period: in-flight calls finish normally, new ones are refused.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_in_flight_call_completes_ok_during_the_grace_period_and_new_calls_are_refused()
    {
        await using var host = await InProcessHost.StartAsync(shutdownTimeout: TimeSpan.FromSeconds(30));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pluginToken = CancellationToken.None;
        host.Destination.WriteBatch = async (_, token) =>
        {
            pluginToken = token;
            started.TrySetResult();
            await release.Task;
            return new WriteBatchResponse { Success = true };
        };
        var inFlight = host.DestinationClient.WriteBatchAsync(new WriteBatchRequest()).ResponseAsync;
        await started.Task.WaitAsync(SignalTimeout);

        var stopping = host.StopAsync();
        await ListenerClosedAsync(host.Port);
        // A fresh connection is refused while draining.
        using var fresh = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new DestinationConnector.DestinationConnectorClient(fresh).TestAsync(new TestRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.False(stopping.IsCompleted, "the server waits for the in-flight call");

        release.SetResult();

        Assert.True((await inFlight.WaitAsync(SignalTimeout)).Success);
        await stopping.WaitAsync(SignalTimeout);
        Assert.False(pluginToken.IsCancellationRequested);
    }

    /// <summary>Waits (bounded) until connecting to the port is refused: Kestrel unbinds as its stop begins.</summary>
    private static async Task ListenerClosedAsync(int port)
    {
        using var timeout = new CancellationTokenSource(SignalTimeout);
        while (true)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return;
            }

            await Task.Delay(10, timeout.Token);
        }
    }
}
