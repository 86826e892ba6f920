using ConnectorHost.Health;
using ConnectorHost.Hosting;
using ConnectorHost.Reflection;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Transport;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Interop.Tests;

/// <summary>Health and reflection with the in-repo client against the real host, and their rules in-process.</summary>
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
    public async Task Health_follows_the_host_lifecycle()
    {
        var registry = new GrpcServiceRegistry();
        var lifecycle = new HostLifecycle();
        var health = new HealthService(registry, lifecycle);
        var request = new HealthCheckRequest();

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(request, null!)).Status);
        lifecycle.MarkServing();
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(request, null!)).Status);
        lifecycle.BeginDraining();
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(request, null!)).Status);
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

    [Theory]
    [InlineData("fivetran_sdk.v2.DestinationConnector", "destination_sdk.proto")]
    [InlineData("fivetran_sdk.v2.DestinationConnector.WriteHistoryBatch", "destination_sdk.proto")]
    [InlineData("fivetran_sdk.v2.MigrationDetails", "destination_sdk.proto")]
    [InlineData(".fivetran_sdk.v2.DataType", "common.proto")]
    [InlineData("fivetran_sdk.v2.ValueType", "common.proto")]
    [InlineData("google.protobuf.Timestamp", "google/protobuf/timestamp.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    public void Reflection_finds_the_file_of_a_symbol_with_its_dependencies(string symbol, string file)
    {
        var response = Reflection().Answer(new ServerReflectionRequest { FileContainingSymbol = symbol });
        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();
        Assert.Equal(file, files[0]);
        var index = new DescriptorIndex(ServerReflectionService.DefaultFiles);
        Assert.True(index.TryFindFile(file, out var descriptor));
        Assert.Equal(Transitive(descriptor).Order(), files.Order());
    }

    [Fact]
    public void Reflection_answers_not_found_for_unknown_symbols_files_and_extensions()
    {
        var reflection = Reflection();
        foreach (var request in new[]
                 {
                     new ServerReflectionRequest { FileContainingSymbol = "fivetran_sdk.v2.Nope" },
                     new ServerReflectionRequest { FileByFilename = "nope.proto" },
                     new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "fivetran_sdk.v2.Record", ExtensionNumber = 100 } },
                     new ServerReflectionRequest { AllExtensionNumbersOfType = "fivetran_sdk.v2.Nope" },
                 })
        {
            var response = reflection.Answer(request);
            Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
            Assert.Equal(request, response.OriginalRequest);
        }

        var known = reflection.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "fivetran_sdk.v2.Record" });
        Assert.Equal("fivetran_sdk.v2.Record", known.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(known.AllExtensionNumbersResponse.ExtensionNumber);
    }

    private static ServerReflectionService Reflection() =>
        new(new GrpcServiceRegistry(), new DescriptorIndex(ServerReflectionService.DefaultFiles));

    private static HashSet<string> Transitive(FileDescriptor file)
    {
        var names = new HashSet<string> { file.Name };
        foreach (var dependency in file.Dependencies)
        {
            names.UnionWith(Transitive(dependency));
        }

        return names;
    }
}

/// <summary>Health/Watch in-process: the current status, each change, and the end of the stream when draining.</summary>
public sealed class HealthWatchTests
{
    [Fact]
    public async Task Watch_sends_the_status_then_its_changes_and_ends_when_the_host_drains()
    {
        var registry = new GrpcServiceRegistry();
        var lifecycle = new HostLifecycle();
        var writer = new RecordingWriter();
        var watching = new HealthService(registry, lifecycle).WatchAsync(new HealthCheckRequest(), writer, CancellationToken.None);

        await writer.WaitForAsync(1);
        lifecycle.MarkServing();
        await writer.WaitForAsync(2);
        lifecycle.BeginDraining();
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([ServingStatus.NotServing, ServingStatus.Serving, ServingStatus.NotServing], writer.Statuses);
    }

    private sealed class RecordingWriter : IServerStreamWriter<HealthCheckResponse>
    {
        private readonly System.Threading.Channels.Channel<int> _written = System.Threading.Channels.Channel.CreateUnbounded<int>();

        public List<ServingStatus> Statuses { get; } = [];

        public ValueTask WriteAsync(HealthCheckResponse message)
        {
            lock (Statuses)
            {
                Statuses.Add(message.Status);
                _written.Writer.TryWrite(Statuses.Count);
            }

            return ValueTask.CompletedTask;
        }

        public async Task WaitForAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await _written.Reader.ReadAsync(timeout.Token) < count)
            {
            }
        }
    }
}
