using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Dispatch;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Serving;
using FivetranSdk.V2;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnectorHost.Tests.Serving;

/// <summary>
/// One <see cref="PortServer"/> (one application) listening on two ports, the source contract on one and the
/// destination contract on the other, as the host serves plugins.json's default ports: each port answers, lists and
/// reports health only for its own contract.
/// </summary>
public sealed class MultiPortTests : IAsyncLifetime
{
    private const string Source = "fivetran_sdk.v2.SourceConnector";
    private const string Destination = "fivetran_sdk.v2.DestinationConnector";

    private HostLogging _logging = null!;
    private PortServer _server = null!;
    private GrpcChannel _source = null!;
    private GrpcChannel _destination = null!;

    public async Task InitializeAsync()
    {
        _logging = new HostLogging(TextWriter.Null, new SecretRedactor(), debugOutput: TextWriter.Null);
        var lifecycle = new HostLifecycle();
        var sourceDispatcher = new PluginDispatcher<ISourceConnector>(
            new PluginHandle<ISourceConnector>(new LoadedPlugin<ISourceConnector>("ScriptedSource", "1.0.0", ".", ConnectorSide.Source, new ScriptedSource())),
            _logging.For(ConnectorSide.Source), _logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
        var destinationDispatcher = new PluginDispatcher<IDestinationConnector>(
            new PluginHandle<IDestinationConnector>(new LoadedPlugin<IDestinationConnector>("ScriptedDestination", "1.0.0", ".", ConnectorSide.Destination, new ScriptedDestination())),
            _logging.For(ConnectorSide.Destination), _logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
        _server = PortServer.Create(
            [
                new ServedPort(0, [ServedContract.For(Source, () => SourceConnector.Descriptor, new SourceConnectorService(sourceDispatcher, _logging.FactoryFor(ConnectorSide.Source)))]),
                new ServedPort(0, [ServedContract.For(Destination, () => DestinationConnector.Descriptor, new DestinationConnectorService(destinationDispatcher))]),
            ],
            lifecycle, _logging.HostFactory(), TimeSpan.FromSeconds(5));
        await _server.StartAsync();
        lifecycle.MarkServing();
        _source = GrpcChannel.ForAddress($"http://127.0.0.1:{_server.Ports[0].BoundPort}");
        _destination = GrpcChannel.ForAddress($"http://[::1]:{_server.Ports[1].BoundPort}");
    }

    public async Task DisposeAsync()
    {
        _source.Dispose();
        _destination.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _logging.Dispose();
    }

    [Fact]
    public void Each_port_is_bound_to_its_own_free_port()
    {
        Assert.NotEqual(0, _server.Ports[0].BoundPort);
        Assert.NotEqual(0, _server.Ports[1].BoundPort);
        Assert.NotEqual(_server.Ports[0].BoundPort, _server.Ports[1].BoundPort);
    }

    [Fact]
    public async Task Each_contract_answers_on_its_port_only_and_elsewhere_is_an_unknown_service()
    {
        var schema = await new SourceConnector.SourceConnectorClient(_source).SchemaAsync(new SchemaRequest());
        var capabilities = await new DestinationConnector.DestinationConnectorClient(_destination).CapabilitiesAsync(new CapabilitiesRequest());
        var destinationOnSourcePort = await Assert.ThrowsAsync<RpcException>(() =>
            new DestinationConnector.DestinationConnectorClient(_source).CapabilitiesAsync(new CapabilitiesRequest()).ResponseAsync);
        var sourceOnDestinationPort = await Assert.ThrowsAsync<RpcException>(() =>
            new SourceConnector.SourceConnectorClient(_destination).SchemaAsync(new SchemaRequest()).ResponseAsync);
        var missing = new Method<SchemaRequest, SchemaResponse>(MethodType.Unary, "nope.Missing", "Schema",
            Marshallers.Create<SchemaRequest>(r => r.ToByteArray(), SchemaRequest.Parser.ParseFrom),
            Marshallers.Create<SchemaResponse>(r => r.ToByteArray(), SchemaResponse.Parser.ParseFrom));
        var unknownService = await Assert.ThrowsAsync<RpcException>(() =>
            _source.CreateCallInvoker().AsyncUnaryCall(missing, null, new CallOptions(), new SchemaRequest()).ResponseAsync);

        Assert.NotNull(schema);
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
        Assert.Equal(StatusCode.Unimplemented, destinationOnSourcePort.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, sourceOnDestinationPort.StatusCode);
        // Indistinguishable from a service the server never heard of.
        Assert.Equal(unknownService.Status.Detail, destinationOnSourcePort.Status.Detail);
        Assert.Equal(unknownService.Status.Detail, sourceOnDestinationPort.Status.Detail);
    }

    [Fact]
    public async Task Reflection_on_each_port_lists_only_its_contract()
    {
        Assert.Equal([Source, .. ServedPort.StandardServices.Order(StringComparer.Ordinal)], (await ListServicesAsync(_source)).Order(StringComparer.Ordinal));
        Assert.Equal([Destination, .. ServedPort.StandardServices.Order(StringComparer.Ordinal)], (await ListServicesAsync(_destination)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Health_on_each_port_knows_only_its_contract()
    {
        var sourceHealth = new Health.HealthClient(_source);
        var destinationHealth = new Health.HealthClient(_destination);

        Assert.Equal(ServingStatus.Serving, (await sourceHealth.CheckAsync(new HealthCheckRequest { Service = Source })).Status);
        Assert.Equal(ServingStatus.Serving, (await destinationHealth.CheckAsync(new HealthCheckRequest { Service = Destination })).Status);
        var absent = await Assert.ThrowsAsync<RpcException>(() => sourceHealth.CheckAsync(new HealthCheckRequest { Service = Destination }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, absent.StatusCode);
        Assert.Contains($"it serves {Source}, ", absent.Status.Detail);
        absent = await Assert.ThrowsAsync<RpcException>(() => destinationHealth.CheckAsync(new HealthCheckRequest { Service = Source }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public void The_standard_service_names_are_those_of_their_descriptors()
    {
        Assert.Equal(
            [Health.Descriptor.FullName, ServerReflection.Descriptor.FullName, Grpc.Reflection.V1Alpha.ServerReflection.Descriptor.FullName],
            ServedPort.StandardServices);
        Assert.Equal(SourceConnector.Descriptor.FullName, ConnectorSide.Source.ServiceName());
        Assert.Equal(DestinationConnector.Descriptor.FullName, ConnectorSide.Destination.ServiceName());
    }

    private static async Task<List<string>> ListServicesAsync(GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }
}
