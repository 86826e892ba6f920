using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using ConnectorHost.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Plugins;

/// <summary>
/// Loads the plugin named in plugins.json for one side: <c>&lt;pluginsDirectory&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> in its own
/// <see cref="PluginLoadContext"/>, finds the one public type implementing the side's contract and constructs it.
/// Every failure becomes a <see cref="PluginLoadException"/> saying what was wrong and how to fix it.
/// </summary>
public sealed class PluginLoader(string pluginsDirectory, string dataDirectory)
{
    private const string AbstractionsName = "ConnectorHost.Abstractions";
    private static readonly AssemblyName HostAbstractions = typeof(PluginContext).Assembly.GetName();

    public LoadedPlugin<TContract> Load<TContract>(string pluginName, ConnectorSide side, ILoggerFactory loggerFactory)
        where TContract : class
    {
        if (side.ContractType() != typeof(TContract))
        {
            throw new ArgumentException($"{typeof(TContract).Name} is not the contract of the {side} side.", nameof(side));
        }

        var fail = (string message) => new PluginLoadException(pluginName, side, $"Cannot load {side.ConfigKey()} plugin '{pluginName}': {message}");
        var pluginDirectory = Path.Combine(pluginsDirectory, pluginName);
        var assemblyPath = Path.Combine(pluginDirectory, pluginName + ".dll");

        CheckFolder(pluginName, pluginDirectory, assemblyPath, fail);
        CheckAbstractionsReference(assemblyPath, fail);

        var context = new PluginLoadContext(pluginName, assemblyPath);
        Assembly assembly;
        Type[] types;
        try
        {
            assembly = context.LoadFromAssemblyPath(assemblyPath);
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException)
        {
            throw fail($"{assemblyPath} could not be loaded ({e.GetType().Name}: {FirstLine(e)}). " +
                       "Rebuild the plugin for net10.0 and copy its whole build output (with its .deps.json and dependencies) into the folder.");
        }

        var type = FindImplementation<TContract>(types, side, assemblyPath, fail);
        var pluginData = Path.Combine(dataDirectory, pluginName);
        try
        {
            Directory.CreateDirectory(pluginData);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw fail($"its data directory {pluginData} cannot be created ({e.Message}). Fix dataDirectory in plugins.json or the folder's permissions.");
        }

        var instance = Construct<TContract>(type, new PluginContext(pluginName, pluginDirectory, pluginData, loggerFactory), fail);
        return new LoadedPlugin<TContract>(pluginName, VersionOf(assembly), pluginDirectory, side, instance);
    }

    /// <summary>Names of the plugins in the plugins directory (folders holding an assembly named after them).</summary>
    public IReadOnlyList<string> FindPluginNames() =>
        Directory.Exists(pluginsDirectory)
            ? Directory.EnumerateDirectories(pluginsDirectory)
                .Select(Path.GetFileName)
                .Where(name => name is not null && File.Exists(Path.Combine(pluginsDirectory, name, name + ".dll")))
                .Select(name => name!)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    private void CheckFolder(string pluginName, string pluginDirectory, string assemblyPath, Func<string, PluginLoadException> fail)
    {
        if (!Directory.Exists(pluginsDirectory))
        {
            throw fail($"the plugins directory {pluginsDirectory} does not exist. " +
                       "Build the solution (dotnet build) to create it, or fix pluginsDirectory in plugins.json.");
        }

        if (!Directory.Exists(pluginDirectory))
        {
            var found = FindPluginNames();
            throw fail($"no folder {pluginDirectory}. Plugins found in {pluginsDirectory}: " +
                       (found.Count == 0 ? "none" : string.Join(", ", found)) +
                       ". Fix the plugin name in plugins.json, or build/copy the plugin's folder there.");
        }

        if (!File.Exists(assemblyPath))
        {
            var dlls = Directory.EnumerateFiles(pluginDirectory, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            throw fail($"the folder {pluginDirectory} has no {pluginName}.dll (a plugin's main assembly is named after its folder; " +
                       $"assemblies there: {(dlls.Count == 0 ? "none" : string.Join(", ", dlls))}). " +
                       "Rename the folder after the assembly or set AssemblyName to the folder name, and rebuild.");
        }

        var copiedAbstractions = Path.Combine(pluginDirectory, AbstractionsName + ".dll");
        if (File.Exists(copiedAbstractions))
        {
            throw fail($"{copiedAbstractions} must not be in the plugin folder: the host provides {AbstractionsName} so plugin and host share its types. " +
                       "Reference it compile-only (ProjectReference with Private=\"false\" ExcludeAssets=\"runtime\", or PackageReference with " +
                       "ExcludeAssets=\"runtime\"), rebuild, and delete the copy.");
        }
    }

    // Read from metadata before loading anything, so a mismatch is reported as such and not as a confusing type error.
    private static void CheckAbstractionsReference(string assemblyPath, Func<string, PluginLoadException> fail)
    {
        Version? referenced = null;
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw fail($"{assemblyPath} is not a .NET assembly. Build the plugin as a .NET class library (net10.0).");
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                if (metadata.StringComparer.Equals(reference.Name, AbstractionsName))
                {
                    referenced = reference.Version;
                }
            }
        }
        catch (BadImageFormatException e)
        {
            throw fail($"{assemblyPath} is not a valid .NET assembly ({e.Message}). Rebuild the plugin as a net10.0 class library.");
        }

        if (referenced is not null && referenced.Major != HostAbstractions.Version!.Major)
        {
            throw fail($"{assemblyPath} was built against {AbstractionsName} {referenced}, but this host provides {HostAbstractions.Version} " +
                       $"(major versions must match). Rebuild the plugin against {AbstractionsName} {HostAbstractions.Version!.Major}.x.");
        }
    }

    private static Type FindImplementation<TContract>(Type[] types, ConnectorSide side, string assemblyPath, Func<string, PluginLoadException> fail)
    {
        var candidates = types.Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && typeof(TContract).IsAssignableFrom(t)).ToList();
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        if (candidates.Count > 1)
        {
            throw fail($"{assemblyPath} has {candidates.Count} public types implementing {typeof(TContract).FullName}: " +
                       $"{string.Join(", ", candidates.Select(t => t.FullName))}. A plugin must have exactly one; make the others internal, abstract, or move them to another plugin.");
        }

        var other = side == ConnectorSide.Source ? ConnectorSide.Destination : ConnectorSide.Source;
        var otherSide = types.Where(t => t is { IsClass: true, IsAbstract: false } && other.ContractType().IsAssignableFrom(t)).Select(t => t.FullName).ToList();
        throw fail($"{assemblyPath} has no public non-abstract type implementing {typeof(TContract).FullName}" +
                   (otherSide.Count > 0 ? $" (it implements {other.ContractType().Name} in {string.Join(", ", otherSide)}: configure it as \"{other.ConfigKey()}\" in plugins.json instead)" : string.Empty) +
                   $". Add a public class implementing {typeof(TContract).Name}.");
    }

    private static TContract Construct<TContract>(Type type, PluginContext context, Func<string, PluginLoadException> fail)
    {
        var withContext = type.GetConstructor([typeof(PluginContext)]);
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if (withContext is null && parameterless is null)
        {
            throw fail($"{type.FullName} has no public constructor taking (PluginContext) or no arguments. Add one of them.");
        }

        try
        {
            var instance = withContext is not null ? withContext.Invoke([context]) : parameterless!.Invoke(null);
            return (TContract)instance;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw fail($"the constructor of {type.FullName} threw {e.InnerException.GetType().Name}: {FirstLine(e.InnerException)}. " +
                       "Fix the plugin (or the configuration it reads at start-up); constructors should not fail.");
        }
    }

    private static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Strip the "+commit" suffix the SDK appends.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].TrimEnd('\r');
}
