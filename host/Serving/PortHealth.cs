using ConnectorHost.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Serving;

/// <summary>
/// The standard health service of one port (Grpc.HealthCheck's implementation), answering the port's calls through
/// <see cref="PortHealthService"/>: "" and every service of the port are SERVING once the host serves, NOT_SERVING
/// before that and while draining; a service the port does not serve is NOT_FOUND, with a message saying so.
/// </summary>
public sealed class PortHealth : Health.HealthBase
{
    private readonly HealthServiceImpl _health = new();
    private readonly IReadOnlyList<string> _services;

    public PortHealth(IReadOnlyList<string> services, HostLifecycle lifecycle)
    {
        _services = services;
        Apply(lifecycle.State);
        lifecycle.StateChanged += Apply;
    }

    public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        try
        {
            return await _health.Check(request, context).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw new RpcException(new Status(StatusCode.NotFound,
                $"Service '{request.Service}' is not served on this port; it serves {string.Join(", ", _services)}."));
        }
    }

    public override Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context) =>
        _health.Watch(request, responseStream, context);

    private void Apply(HostState state)
    {
        var status = state == HostState.Serving ? ServingStatus.Serving : ServingStatus.NotServing;
        _health.SetStatus(string.Empty, status);
        foreach (var service in _services)
        {
            _health.SetStatus(service, status);
        }
    }
}
