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
    }

    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        if (request.Service.Length > 0 && !registry.ServiceNames.Contains(request.Service))
        {
            throw new RpcException(StatusCode.NotFound, $"This port does not serve '{request.Service}'.");
        }

        var status = lifecycle.State == HostState.Serving
            ? HealthCheckResponse.Types.ServingStatus.Serving
            : HealthCheckResponse.Types.ServingStatus.NotServing;
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }
}
