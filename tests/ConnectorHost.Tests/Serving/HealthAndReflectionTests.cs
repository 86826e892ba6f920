using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Tests.Serving;

/// <summary>The standard health and reflection services, per port: they know only the contracts of their port.</summary>
public sealed class HealthAndReflectionTests
{
    private const string Source = "fivetran_sdk.v2.SourceConnector";
    private const string Destination = "fivetran_sdk.v2.DestinationConnector";

    [Fact]
    public async Task A_port_serving_one_contract_lists_only_it_and_its_health_answers_only_for_it()
    {
        await using var host = await InProcessHost.StartAsync(serveSource: true, serveDestination: false);
        var health = new Health.HealthClient(host.Channel);

        Assert.Equal(
            [Source, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            (await ListServicesV1Async(host)).Order(StringComparer.Ordinal));
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "" })).Status);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = Source })).Status);
        var absent = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = Destination }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task A_shared_port_lists_both_contracts_over_v1_and_v1alpha()
    {
        await using var host = await InProcessHost.StartAsync();

        var v1 = await ListServicesV1Async(host);
        using var call = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var v1alpha = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains(Source, v1);
        Assert.Contains(Destination, v1);
        Assert.Equal(v1.Order(StringComparer.Ordinal), v1alpha.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reflection_describes_the_contract_file_with_its_dependencies()
    {
        await using var host = await InProcessHost.StartAsync(serveSource: false, serveDestination: true);
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "fivetran_sdk.v2.DestinationConnector.WriteHistoryBatch" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes).Name).ToList();
        Assert.Equal("destination_sdk.proto", files[0]);
        Assert.Contains("common.proto", files);
    }

    [Fact]
    public async Task Health_is_not_serving_while_draining()
    {
        await using var host = await InProcessHost.StartAsync();
        var health = new Health.HealthClient(host.Channel);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = Destination })).Status);

        host.Lifecycle.BeginDraining();

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = Destination })).Status);
    }

    private static async Task<List<string>> ListServicesV1Async(InProcessHost host)
    {
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }
}

public sealed class HealthWatchAndReflectionErrorTests
{
    [Fact]
    public async Task Watch_sends_the_status_then_its_change_when_the_host_drains()
    {
        await using var host = await InProcessHost.StartAsync();
        using var call = new Health.HealthClient(host.Channel).Watch(new HealthCheckRequest());

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        host.Lifecycle.BeginDraining();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Health_not_found_names_the_service_and_what_the_port_serves()
    {
        await using var host = await InProcessHost.StartAsync(serveSource: true, serveDestination: false);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = "fivetran_sdk.v2.DestinationConnector" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'fivetran_sdk.v2.DestinationConnector' is not served on this port", error.Status.Detail);
        Assert.Contains("fivetran_sdk.v2.SourceConnector", error.Status.Detail);
    }

    [Theory]
    [InlineData("fivetran_sdk.v2.Nope")]
    [InlineData("fivetran_sdk.v2.DestinationConnector")]
    public async Task Reflection_answers_not_found_for_a_symbol_the_port_does_not_know(string symbol)
    {
        await using var host = await InProcessHost.StartAsync(serveSource: true, serveDestination: false);
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal((int)StatusCode.NotFound, call.ResponseStream.Current.ErrorResponse.ErrorCode);
    }
}
