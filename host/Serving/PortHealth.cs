using ConnectorHost.Hosting;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Serving;

/// <summary>
/// The standard health service of one port: "" and every service of the port are SERVING once the host serves,
/// NOT_SERVING before that and while draining; a service the port does not serve is NOT_FOUND.
/// </summary>
internal sealed class PortHealth
{
    private readonly HealthServiceImpl _health;
    private readonly IReadOnlyList<string> _services;

    public PortHealth(HealthServiceImpl health, IReadOnlyList<string> services, HostLifecycle lifecycle)
    {
        _health = health;
        _services = services;
        Apply(lifecycle.State);
        lifecycle.StateChanged += Apply;
    }

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
