using System.Reflection;
using System.Runtime.Loader;

namespace ConnectorHost.Plugins;

/// <summary>
/// One plugin folder's assemblies. The contract assemblies are shared with the host (so the plugin's types are the
/// host's types); everything else, native libraries included, resolves from the plugin's folder via its deps.json,
/// so a plugin may carry versions of a library that differ from the host's or another plugin's.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies always taken from the host: they define the types crossing the plugin boundary.</summary>
    public static readonly IReadOnlySet<string> SharedAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ConnectorHost.Abstractions",
        "Google.Protobuf",
        "Microsoft.Extensions.Logging.Abstractions",
        "Serilog",
    };

    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string pluginName, string mainAssemblyPath)
        : base($"plugin:{pluginName}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not null && SharedAssemblies.Contains(assemblyName.Name))
        {
            return null; // the default context (the host's copy)
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
