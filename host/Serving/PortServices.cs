using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using ReflectionV1 = Grpc.Reflection.V1;
using ReflectionV1Alpha = Grpc.Reflection.V1Alpha;

namespace ConnectorHost.Serving;

/// <summary>
/// Routing for a server with several ports: an endpoint of a contract (<see cref="ContractEndpoint"/>) is a candidate
/// only on the port serving that contract. Elsewhere the call falls through to Grpc.AspNetCore's own "unimplemented
/// service" endpoint, exactly as on a server that never mapped the contract.
/// </summary>
internal sealed class ServedPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(endpoint => endpoint.Metadata.GetMetadata<ContractEndpoint>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Features.Get<ServedPort>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && candidates[i].Endpoint.Metadata.GetMetadata<ContractEndpoint>() is { } contract
                && port?.ServesContract(contract.ServiceName) != true)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>The health service: each call is answered by the <see cref="PortHealth"/> of the port it arrived on.</summary>
public sealed class PortHealthService : Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        ServedPort.Of(context).Health.Check(request, context);

    public override Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context) =>
        ServedPort.Of(context).Health.Watch(request, responseStream, context);
}

/// <summary>Reflection v1: each call is answered from the contracts of the port it arrived on.</summary>
public sealed class PortReflectionV1Service : ReflectionV1.ServerReflection.ServerReflectionBase
{
    public override Task ServerReflectionInfo(IAsyncStreamReader<ReflectionV1.ServerReflectionRequest> requestStream,
        IServerStreamWriter<ReflectionV1.ServerReflectionResponse> responseStream, ServerCallContext context) =>
        ServedPort.Of(context).ReflectionV1.ServerReflectionInfo(requestStream, responseStream, context);
}

/// <summary>Reflection v1alpha: each call is answered from the contracts of the port it arrived on.</summary>
public sealed class PortReflectionV1AlphaService : ReflectionV1Alpha.ServerReflection.ServerReflectionBase
{
    public override Task ServerReflectionInfo(IAsyncStreamReader<ReflectionV1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<ReflectionV1Alpha.ServerReflectionResponse> responseStream, ServerCallContext context) =>
        ServedPort.Of(context).ReflectionV1Alpha.ServerReflectionInfo(requestStream, responseStream, context);
}
