using ConnectorHost.Hosting;
using Grpc.Core;
using Grpc.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace ConnectorHost.Serving;

/// <summary>
/// One listening port of a <see cref="PortServer"/>: the port asked for, the contracts served there, the port Kestrel
/// bound, and the port's own health and reflection (which know only these contracts). Every connection accepted on
/// the port carries this object as a feature, so each call finds the port it arrived on.
/// </summary>
public sealed class ServedPort
{
    /// <summary>The standard services every port serves beside its contracts (full names, as their descriptors say).</summary>
    public static readonly IReadOnlyList<string> StandardServices =
        ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

    private readonly HashSet<string> _contractNames;
    private readonly Lazy<ReflectionServiceImpl> _reflectionV1Alpha;
    private readonly Lazy<ReflectionV1ServiceImpl> _reflectionV1;

    internal ServedPort(int requestedPort, IReadOnlyList<ServedContract> contracts, HostLifecycle lifecycle)
    {
        RequestedPort = requestedPort;
        Contracts = contracts;
        _contractNames = contracts.Select(c => c.ServiceName).ToHashSet(StringComparer.Ordinal);
        ServiceNames = [.. contracts.Select(c => c.ServiceName), .. StandardServices];
        Health = new PortHealth(ServiceNames, lifecycle);
        // Reflection needs the descriptors, which take a while to build: only when a client first asks.
        var descriptors = new Lazy<IReadOnlyList<ServiceDescriptor>>(() =>
        [
            .. contracts.Select(c => c.Descriptor),
            Grpc.Health.V1.Health.Descriptor,
            Grpc.Reflection.V1.ServerReflection.Descriptor,
            Grpc.Reflection.V1Alpha.ServerReflection.Descriptor,
        ]);
        _reflectionV1Alpha = new Lazy<ReflectionServiceImpl>(() => new ReflectionServiceImpl(descriptors.Value));
        _reflectionV1 = new Lazy<ReflectionV1ServiceImpl>(() => new ReflectionV1ServiceImpl(descriptors.Value));
    }

    public int RequestedPort { get; }

    public IReadOnlyList<ServedContract> Contracts { get; }

    /// <summary>The port Kestrel bound (differs from <see cref="RequestedPort"/> when that is 0); valid after start.</summary>
    public int BoundPort { get; internal set; }

    /// <summary>Every service this port answers: its contracts, then <see cref="StandardServices"/>.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    internal PortHealth Health { get; }

    internal ReflectionServiceImpl ReflectionV1Alpha => _reflectionV1Alpha.Value;

    internal ReflectionV1ServiceImpl ReflectionV1 => _reflectionV1.Value;

    internal ListenOptions? Listener { get; set; }

    /// <summary>Whether the contract <paramref name="serviceName"/> is served on this port.</summary>
    public bool ServesContract(string serviceName) => _contractNames.Contains(serviceName);

    /// <summary>The port a call arrived on.</summary>
    internal static ServedPort Of(HttpContext context) =>
        context.Features.Get<ServedPort>() ?? throw new InvalidOperationException("The call's connection was not accepted by a PortServer listener.");

    internal static ServedPort Of(ServerCallContext context) => Of(context.GetHttpContext());
}
