using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace ConnectorHost.Serving;

/// <summary>A gRPC service to serve on a port: its descriptor (for reflection and health) and how to register it.</summary>
public sealed class ServedContract
{
    private ServedContract(ServiceDescriptor descriptor, Action<IServiceCollection> register, Action<IEndpointRouteBuilder> map)
    {
        Descriptor = descriptor;
        Register = register;
        Map = map;
    }

    public ServiceDescriptor Descriptor { get; }

    public string ServiceName => Descriptor.FullName;

    internal Action<IServiceCollection> Register { get; }

    internal Action<IEndpointRouteBuilder> Map { get; }

    /// <summary>Serves <paramref name="implementation"/>, an instance of a Grpc.Tools-generated service base.</summary>
    public static ServedContract For<TImplementation>(ServiceDescriptor descriptor, TImplementation implementation)
        where TImplementation : class =>
        new(descriptor,
            services =>
            {
                services.AddSingleton(implementation);
                services.AddSingleton<StrictService<TImplementation>>();
                services.AddSingleton<IServiceMethodProvider<StrictService<TImplementation>>, StrictServiceMethodProvider<TImplementation>>();
            },
            endpoints => endpoints.MapGrpcService<StrictService<TImplementation>>());
}
