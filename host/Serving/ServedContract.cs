using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace ConnectorHost.Serving;

/// <summary>
/// A gRPC service to serve on a port: its name, its descriptor (for reflection, built on first use: building the
/// contract's descriptors costs tens of milliseconds of start-up and only reflection needs them) and how to register it.
/// </summary>
public sealed class ServedContract
{
    private readonly Lazy<ServiceDescriptor> _descriptor;

    private ServedContract(string serviceName, Func<ServiceDescriptor> descriptor, Action<IServiceCollection> register, Action<IEndpointRouteBuilder> map)
    {
        ServiceName = serviceName;
        _descriptor = new Lazy<ServiceDescriptor>(() => Checked(serviceName, descriptor()));
        Register = register;
        Map = map;
    }

    public ServiceDescriptor Descriptor => _descriptor.Value;

    /// <summary>The full service name (<c>fivetran_sdk.v2.SourceConnector</c>), known without building the descriptor.</summary>
    public string ServiceName { get; }

    internal Action<IServiceCollection> Register { get; }

    /// <summary>Maps the service's endpoints; each endpoint of this service carries a <see cref="ContractEndpoint"/>.</summary>
    internal Action<IEndpointRouteBuilder> Map { get; }

    /// <summary>Serves <paramref name="implementation"/>, an instance of a Grpc.Tools-generated service base.</summary>
    public static ServedContract For<TImplementation>(ServiceDescriptor descriptor, TImplementation implementation)
        where TImplementation : class =>
        For(descriptor.FullName, () => descriptor, implementation);

    /// <summary>
    /// Serves <paramref name="implementation"/> under <paramref name="serviceName"/>; <paramref name="descriptor"/> is
    /// called once, when reflection first needs it (and must name the same service).
    /// </summary>
    public static ServedContract For<TImplementation>(string serviceName, Func<ServiceDescriptor> descriptor, TImplementation implementation)
        where TImplementation : class
    {
        var marker = new ContractEndpoint(serviceName);
        return new(serviceName, descriptor,
            services =>
            {
                services.AddSingleton(implementation);
                services.AddSingleton<StrictService<TImplementation>>();
                services.AddSingleton<IServiceMethodProvider<StrictService<TImplementation>>, StrictServiceMethodProvider<TImplementation>>();
            },
            endpoints => endpoints.MapGrpcService<StrictService<TImplementation>>().Add(endpoint =>
            {
                // The service's methods and its "unimplemented method" endpoint start with the service name; the
                // application-wide "unimplemented service" endpoint (a parameter there) is not this service's.
                if (endpoint is RouteEndpointBuilder { RoutePattern.PathSegments: [{ Parts: [RoutePatternLiteralPart literal] }, ..] }
                    && literal.Content == serviceName)
                {
                    endpoint.Metadata.Add(marker);
                }
            }));
    }

    private static ServiceDescriptor Checked(string serviceName, ServiceDescriptor descriptor) =>
        descriptor.FullName == serviceName
            ? descriptor
            : throw new InvalidOperationException($"The descriptor of {serviceName} describes {descriptor.FullName}.");
}

/// <summary>Endpoint metadata: the endpoint belongs to the contract <see cref="ServiceName"/>.</summary>
public sealed record ContractEndpoint(string ServiceName);
