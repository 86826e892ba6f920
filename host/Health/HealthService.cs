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
            while (!IsEnding() && await changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changes.Reader.TryRead(out _);
                var status = known ? CurrentStatus() : last;
                if (status != last)
                {
                    last = status;
                    await responses.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            lifecycle.StateChanged -= OnChange;
        }
    }

    private bool IsEnding() => lifecycle.State is HostState.Draining or HostState.Stopped;

    private bool Serves(string service) => service.Length == 0 || registry.ServiceNames.Contains(service);

    private HealthCheckResponse.Types.ServingStatus CurrentStatus() => lifecycle.State == HostState.Serving
        ? HealthCheckResponse.Types.ServingStatus.Serving
        : HealthCheckResponse.Types.ServingStatus.NotServing;
}
