using Grpc.Core;
using ConnectorHost.Testing.Grpc;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Interop.Tests;

/// <summary>Health and reflection with the in-repo client against the real host (their rules in process: ConnectorHost.Tests/Serving).</summary>
[Collection(InteropCollection.Name)]
public sealed class HealthAndReflectionTests(InteropHosts hosts)
{
    private const string HealthCheck = "/grpc.health.v1.Health/Check";

    [Theory]
    [InlineData("")]
    [InlineData("fivetran_sdk.v2.SourceConnector")]
    [InlineData("grpc.reflection.v1.ServerReflection")]
    public async Task Health_is_serving_for_the_empty_name_and_every_service_of_the_port(string service)
    {
        using var client = new GrpcTestClient(hosts.Example.SourcePort);
        var result = await client.UnaryAsync(HealthCheck, new HealthCheckRequest { Service = service }, HealthCheckResponse.Parser);
        Assert.Equal(StatusCode.OK, result.Status);
        Assert.Equal(ServingStatus.Serving, result.Response!.Status);
    }

    [Fact]
    public async Task Health_answers_not_found_for_a_service_the_port_does_not_serve()
    {
        using var client = new GrpcTestClient(hosts.Example.SourcePort);
        var result = await client.UnaryAsync(HealthCheck, new HealthCheckRequest { Service = "fivetran_sdk.v2.DestinationConnector" }, HealthCheckResponse.Parser);
        Assert.Equal(StatusCode.NotFound, result.Status);
        Assert.Contains("fivetran_sdk.v2.DestinationConnector", result.Message);
    }

    [Fact]
    public async Task Reflection_lists_the_services_of_the_port_over_the_wire()
    {
        using var client = new GrpcTestClient(hosts.Example.DestinationPort);
        var result = await client.ServerStreamingAsync("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            new ServerReflectionRequest { ListServices = "" }, ServerReflectionResponse.Parser);
        Assert.Equal(StatusCode.OK, result.Status);
        var names = Assert.Single(result.Response!).ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Equal(
            ["fivetran_sdk.v2.DestinationConnector", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            names);
    }
}
