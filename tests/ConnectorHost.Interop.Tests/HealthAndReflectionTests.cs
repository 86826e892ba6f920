using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Interop.Tests;

/// <summary>Health and reflection of the real host, called with the standard .NET clients (Grpc.HealthCheck, Grpc.Reflection).</summary>
[Collection(InteropCollection.Name)]
public sealed class HealthAndReflectionTests(InteropHosts hosts)
{
    [Theory]
    [InlineData("")]
    [InlineData("fivetran_sdk.v2.SourceConnector")]
    public async Task Health_is_serving_for_the_empty_name_and_the_contract_of_the_port(string service)
    {
        var response = await hosts.Example.SourcePortClients.Health.CheckAsync(new HealthCheckRequest { Service = service });
        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_answers_not_found_for_the_contract_the_port_does_not_serve()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hosts.Example.SourcePortClients.Health.CheckAsync(new HealthCheckRequest { Service = "fivetran_sdk.v2.DestinationConnector" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reflection_lists_only_the_contract_of_the_port_with_health_and_reflection()
    {
        foreach (var (clients, contract) in new[]
                 {
                     (hosts.Example.SourcePortClients, "fivetran_sdk.v2.SourceConnector"),
                     (hosts.Example.DestinationPortClients, "fivetran_sdk.v2.DestinationConnector"),
                 })
        {
            using var call = clients.Reflection.ServerReflectionInfo();
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();
            var names = Assert.Single(responses).ListServicesResponse.Service.Select(s => s.Name).ToList();
            Assert.Contains(contract, names);
            Assert.Contains("grpc.health.v1.Health", names);
            Assert.Contains("grpc.reflection.v1.ServerReflection", names);
            Assert.DoesNotContain(names, n => n.StartsWith("fivetran_sdk.v2.", StringComparison.Ordinal) && n != contract);
        }
    }

    [Theory]
    [InlineData("fivetran_sdk.v2.DestinationConnector", "destination_sdk.proto")]
    [InlineData("fivetran_sdk.v2.DestinationConnector.WriteHistoryBatch", "destination_sdk.proto")]
    [InlineData("fivetran_sdk.v2.MigrationDetails", "destination_sdk.proto")]
    [InlineData("fivetran_sdk.v2.ValueType", "common.proto")]
    public async Task Reflection_finds_the_file_of_a_symbol_with_its_dependencies(string symbol, string file)
    {
        using var call = hosts.Example.DestinationPortClients.Reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });
        await call.RequestStream.CompleteAsync();
        var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());
        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        Assert.Contains(files, f => f.Name == file);
        // Every import of every returned file is returned too, so a client can build the descriptors.
        var names = files.Select(f => f.Name).ToHashSet();
        Assert.All(files.SelectMany(f => f.Dependency), dependency => Assert.Contains(dependency, names));
    }

    [Fact]
    public async Task Reflection_answers_not_found_for_an_unknown_symbol()
    {
        using var call = hosts.Example.DestinationPortClients.Reflection.ServerReflectionInfo();
        var request = new ServerReflectionRequest { FileContainingSymbol = "fivetran_sdk.v2.Nope" };
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());
        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
    }
}
