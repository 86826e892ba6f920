using ConnectorHost.Plugins;

namespace ConnectorHost.Hosting;

/// <summary>A side the host serves: the loaded plugin, its registration and the port it listens on.</summary>
public sealed record ServedSide(ConnectorSide Side, string PluginName, string PluginVersion, int Port, Action<Transport.GrpcServiceRegistry> Register);
