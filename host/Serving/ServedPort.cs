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

    private readonly HashSet<string> _contractNames = new(StringComparer.Ordinal);
    private readonly List<string> _serviceNames = [];
    private readonly Lazy<ReflectionServiceImpl> _reflectionV1Alpha;
    private readonly Lazy<ReflectionV1ServiceImpl> _reflectionV1;
    private PortHealth? _health;

    /// <summary>A port to serve <paramref name="contracts"/> on (0: any free port); cheap: the rest is built when the server starts.</summary>
    public ServedPort(int requestedPort, IReadOnlyList<ServedContract> contracts)
    {
        RequestedPort = requestedPort;
        Contracts = contracts;
        // Plain loops: this runs on the start-up path before anything else is compiled.
        foreach (var contract in contracts)
        {
            _contractNames.Add(contract.ServiceName);
            _serviceNames.Add(contract.ServiceName);
        }

        _serviceNames.AddRange(StandardServices);
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
    public IReadOnlyList<string> ServiceNames => _serviceNames;

    internal PortHealth Health => _health ?? throw new InvalidOperationException("The port's server has not been built.");

    internal ReflectionServiceImpl ReflectionV1Alpha => _reflectionV1Alpha.Value;

    internal ReflectionV1ServiceImpl ReflectionV1 => _reflectionV1.Value;

    internal ListenOptions? Listener { get; set; }

    /// <summary>Creates the port's health, following <paramref name="lifecycle"/> (when the server is built).</summary>
    internal void FollowLifecycle(HostLifecycle lifecycle) => _health ??= new PortHealth(_serviceNames, lifecycle);

    /// <summary>Whether the contract <paramref name="serviceName"/> is served on this port.</summary>
    public bool ServesContract(string serviceName) => _contractNames.Contains(serviceName);

    /// <summary>The port a call arrived on.</summary>
    internal static ServedPort Of(HttpContext context) =>
        context.Features.Get<ServedPort>() ?? throw new InvalidOperationException("The call's connection was not accepted by a PortServer listener.");

    internal static ServedPort Of(ServerCallContext context) => Of(context.GetHttpContext());
}
