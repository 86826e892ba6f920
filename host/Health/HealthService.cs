using ConnectorHost.Hosting;
using ConnectorHost.Transport;
using Grpc.Health.V1;

namespace ConnectorHost.Health;

/// <summary>
/// grpc.health.v1.Health/Check: SERVING for "" and every service served on this port while the host is serving,
/// NOT_SERVING while it starts or drains, NOT_FOUND (RPC status) for a service this port does not serve.
/// </summary>
public sealed class HealthService(GrpcServiceRegistry registry, HostLifecycle lifecycle)
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static void Register(GrpcServiceRegistry registry, HostLifecycle lifecycle)
    {
        var service = new HealthService(registry, lifecycle);
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>(ServiceName, "Check", HealthCheckRequest.Parser, service.CheckAsync);
        registry.AddServerStreaming<HealthCheckRequest, HealthCheckResponse>(ServiceName, "Watch", HealthCheckRequest.Parser,
            (request, responses, context) => service.WatchAsync(request, responses, context.CancellationToken));
    }

    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        if (!Serves(request.Service))
        {
            throw new RpcException(StatusCode.NotFound, $"This port does not serve '{request.Service}'.");
        }

        return Task.FromResult(new HealthCheckResponse { Status = CurrentStatus() });
    }

    /// <summary>
    /// Sends the current status, then each change. An unknown service is watched as SERVICE_UNKNOWN (not an error,
    /// as the protocol says). The stream ends once the host drains, so a watcher never holds up shutdown.
    /// </summary>
    public async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, CancellationToken cancellationToken)
    {
        var changes = System.Threading.Channels.Channel.CreateUnbounded<HostState>(new() { SingleReader = true });
        void OnChange(HostState state) => changes.Writer.TryWrite(state);
        lifecycle.StateChanged += OnChange;
        try
        {
            var known = Serves(request.Service);
            var last = known ? CurrentStatus() : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            await responses.WriteAsync(new HealthCheckResponse { Status = last }).ConfigureAwait(false);
            while (true)
            {
                // One snapshot per round: a change after it is already queued in the channel, so a watcher always
                // sees the final NOT_SERVING of a drain before the stream ends.
                var state = lifecycle.State;
                var status = known ? StatusOf(state) : last;
                if (status != last)
                {
                    last = status;
                    await responses.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
                }

                if (state is HostState.Draining or HostState.Stopped
                    || !await changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                while (changes.Reader.TryRead(out _))
                {
                }
            }
        }
        finally
        {
            lifecycle.StateChanged -= OnChange;
        }
    }

    private bool Serves(string service) => service.Length == 0 || registry.ServiceNames.Contains(service);

    private HealthCheckResponse.Types.ServingStatus CurrentStatus() => StatusOf(lifecycle.State);

    private static HealthCheckResponse.Types.ServingStatus StatusOf(HostState state) => state == HostState.Serving
        ? HealthCheckResponse.Types.ServingStatus.Serving
        : HealthCheckResponse.Types.ServingStatus.NotServing;
}
