using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using Microsoft.Extensions.Logging;
using McMasterPluginLoader = McMaster.NETCore.Plugins.PluginLoader;

namespace ConnectorHost.Plugins;

/// <summary>
/// Loads the plugin named in plugins.json for one side: <c>&lt;pluginsDirectory&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> through
/// McMaster.NETCore.Plugins in its own load context (the contract assemblies shared with the host, everything else, native
/// libraries included, from the plugin's folder per its .deps.json), finds the one public type implementing the side's
/// contract and constructs it. Every failure becomes a <see cref="PluginLoadException"/> carrying a
/// <see cref="PluginLoadDiagnosis"/> that says what was wrong and how to fix it.
/// </summary>
/// <param name="hotReload">
/// Serve handles from <see cref="Open{TContract}"/> with hot reload: each build is loaded unloadable and from memory (so its
/// folder can be overwritten while it runs), the folder is watched, and a rebuild replaces the served instance.
/// </param>
/// <param name="reloadQuietPeriod">How long a plugin folder must see no change before a rebuild is loaded (default 300 ms).</param>
public sealed class PluginLoader(string pluginsDirectory, string dataDirectory, bool hotReload = true, TimeSpan? reloadQuietPeriod = null)
{
    internal const string AbstractionsName = "ConnectorHost.Abstractions";
    private static readonly AssemblyName HostAbstractions = typeof(PluginContext).Assembly.GetName();

    /// <summary>
    /// Assemblies always taken from the host, because their types cross the plugin boundary: the contract and its
    /// messages, and the logging types a plugin receives in its <see cref="PluginContext"/>.
    /// </summary>
    private static readonly Type[] SharedTypes =
    [
        typeof(PluginContext),                 // ConnectorHost.Abstractions
        typeof(Google.Protobuf.IMessage),      // Google.Protobuf: the FivetranSdk.V2 messages' base
        typeof(ILoggerFactory),                // Microsoft.Extensions.Logging.Abstractions
        typeof(Serilog.ILogger),               // Serilog: the abstractions' log formatting
    ];

    public string PluginsDirectory { get; } = pluginsDirectory;

    public string DataDirectory { get; } = dataDirectory;

    public bool HotReload { get; } = hotReload;

    public TimeSpan ReloadQuietPeriod { get; } = reloadQuietPeriod ?? TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Loads the plugin and returns the handle dispatch leases it from. With hot reload on, the handle follows rebuilds of
    /// the plugin's folder until it is disposed.
    /// </summary>
    /// <param name="operatorSettings">The side's <c>settings</c> from plugins.json, handed to the plugin as <c>PluginContext.OperatorSettings</c>.</param>
    public PluginHandle<TContract> Open<TContract>(string pluginName, ConnectorSide side, ILoggerFactory loggerFactory,
        IReadOnlyDictionary<string, string>? operatorSettings = null)
        where TContract : class
    {
        var pluginDirectory = Path.Combine(PluginsDirectory, pluginName);
        var fingerprint = HotReload ? FolderFingerprint.Take(pluginDirectory) : FolderFingerprint.None;
        var first = LoadInstance<TContract>(pluginName, side, loggerFactory, fingerprint, operatorSettings);
        var handle = new PluginHandle<TContract>(first);
        if (HotReload)
        {
            handle.WatchForRebuilds(
                new PluginFolderWatcher(PluginsDirectory, pluginDirectory, ReloadQuietPeriod),
                folderNow => LoadInstance<TContract>(pluginName, side, loggerFactory, folderNow, operatorSettings),
                loggerFactory.CreateLogger("ConnectorHost.Plugins.HotReload"));
        }

        return handle;
    }

    /// <summary>Loads the plugin once, for the life of the process (no hot reload, nothing to unload).</summary>
    public LoadedPlugin<TContract> Load<TContract>(string pluginName, ConnectorSide side, ILoggerFactory loggerFactory,
        IReadOnlyDictionary<string, string>? operatorSettings = null)
        where TContract : class
    {
        var build = LoadBuild<TContract>(pluginName, side, loggerFactory, unloadable: false, operatorSettings);
        return build.Plugin;
    }

    internal PluginInstance<TContract> LoadInstance<TContract>(string pluginName, ConnectorSide side, ILoggerFactory loggerFactory, FolderFingerprint fingerprint,
        IReadOnlyDictionary<string, string>? operatorSettings = null)
        where TContract : class
    {
        var build = LoadBuild<TContract>(pluginName, side, loggerFactory, unloadable: HotReload, operatorSettings);
        return new PluginInstance<TContract>(build.Plugin, build.Loader, fingerprint, loggerFactory.CreateLogger("ConnectorHost.Plugins"));
    }

    /// <summary>Names of the plugins in the plugins directory (folders holding an assembly named after them).</summary>
    public IReadOnlyList<string> FindPluginNames() =>
        Directory.Exists(PluginsDirectory)
            ? Directory.EnumerateDirectories(PluginsDirectory)
                .Select(Path.GetFileName)
                .Where(name => name is not null && File.Exists(Path.Combine(PluginsDirectory, name, name + ".dll")))
                .Select(name => name!)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>
    /// Describes every folder in the plugins directory: which contract it implements, its version, the abstractions it was
    /// built against, and whether it would load (the diagnosis if not). Each plugin is loaded into an unloadable context
    /// that is unloaded again; constructors are not run (they may open connections or files), so a constructor that
    /// throws shows only when the plugin is served.
    /// </summary>
    public IReadOnlyList<PluginListing> ListPlugins()
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(PluginsDirectory)
            .Order(StringComparer.Ordinal)
            .Select(Describe)
            .ToList();
    }

    private PluginListing Describe(string pluginDirectory)
    {
        var name = Path.GetFileName(pluginDirectory);
        var assemblyPath = Path.Combine(pluginDirectory, name + ".dll");
        var problem = CheckFolder(name, pluginDirectory, assemblyPath);
        if (problem is not null)
        {
            return new PluginListing(name, pluginDirectory, PluginContractSide.None, null, null, problem);
        }

        var (abstractionsVersion, metadataProblem) = ReadMetadata(assemblyPath);
        if (metadataProblem is not null)
        {
            return new PluginListing(name, pluginDirectory, PluginContractSide.None, null, abstractionsVersion, metadataProblem);
        }

        problem = CheckDependencies(pluginDirectory, name);
        McMasterPluginLoader? loader = null;
        try
        {
            loader = CreateMcMasterLoader(assemblyPath, unloadable: true);
            var (assembly, types, loadProblem) = LoadTypes(loader, assemblyPath);
            if (assembly is null)
            {
                return new PluginListing(name, pluginDirectory, PluginContractSide.None, null, abstractionsVersion, loadProblem);
            }

            var version = VersionOf(assembly);
            var isSource = Implementations(types, typeof(ISourceConnector)).Count > 0;
            var isDestination = Implementations(types, typeof(IDestinationConnector)).Count > 0;
            var side = (isSource, isDestination) switch
            {
                (true, true) => PluginContractSide.SourceAndDestination,
                (true, false) => PluginContractSide.Source,
                (false, true) => PluginContractSide.Destination,
                _ => PluginContractSide.None,
            };

            if (problem is null)
            {
                foreach (var contractSide in side.Sides())
                {
                    var (type, typeProblem) = FindImplementation(types, contractSide, assemblyPath);
                    problem ??= typeProblem ?? (type is not null && !HasUsableConstructor(type) ? new NoUsableConstructor(type.FullName!) : null);
                }

                problem ??= side == PluginContractSide.None ? new NoImplementation(assemblyPath, "ISourceConnector or IDestinationConnector",
                    $"{typeof(ISourceConnector).FullName} or {typeof(IDestinationConnector).FullName}") : null;
            }

            return new PluginListing(name, pluginDirectory, side, version, abstractionsVersion, problem);
        }
        finally
        {
            loader?.Dispose();
        }
    }

    private sealed record Build<TContract>(LoadedPlugin<TContract> Plugin, McMasterPluginLoader Loader)
        where TContract : class;

    private Build<TContract> LoadBuild<TContract>(string pluginName, ConnectorSide side, ILoggerFactory loggerFactory, bool unloadable,
        IReadOnlyDictionary<string, string>? operatorSettings = null)
        where TContract : class
    {
        if (side.ContractType() != typeof(TContract))
        {
            throw new ArgumentException($"{typeof(TContract).Name} is not the contract of the {side} side.", nameof(side));
        }

        var fail = (PluginLoadDiagnosis diagnosis) => new PluginLoadException(pluginName, side, diagnosis);
        var pluginDirectory = Path.Combine(PluginsDirectory, pluginName);
        var assemblyPath = Path.Combine(pluginDirectory, pluginName + ".dll");

        if (CheckFolder(pluginName, pluginDirectory, assemblyPath) is { } folderProblem)
        {
            throw fail(folderProblem);
        }

        if (ReadMetadata(assemblyPath).Problem is { } metadataProblem)
        {
            throw fail(metadataProblem);
        }

        if (CheckDependencies(pluginDirectory, pluginName) is { } dependencyProblem)
        {
            throw fail(dependencyProblem);
        }

        var loader = CreateMcMasterLoader(assemblyPath, unloadable);
        try
        {
            var (assembly, types, loadProblem) = LoadTypes(loader, assemblyPath);
            if (assembly is null)
            {
                throw fail(loadProblem!);
            }

            var (type, typeProblem) = FindImplementation(types, side, assemblyPath);
            if (type is null)
            {
                throw fail(typeProblem!);
            }

            var pluginData = Path.Combine(DataDirectory, pluginName);
            try
            {
                Directory.CreateDirectory(pluginData);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw fail(new DataFolderNotCreatable(pluginData, e.Message));
            }

            var instance = Construct<TContract>(type, new PluginContext(pluginName, pluginDirectory, pluginData, loggerFactory, operatorSettings), fail);
            return new Build<TContract>(new LoadedPlugin<TContract>(pluginName, VersionOf(assembly), pluginDirectory, side, instance), loader);
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }

    private static McMasterPluginLoader CreateMcMasterLoader(string assemblyPath, bool unloadable) =>
        McMasterPluginLoader.CreateFromAssemblyFile(assemblyPath, unloadable, SharedTypes, config =>
        {
            // Share exactly the listed assemblies; everything else the plugin carries is its own, whatever the host runs with.
            config.IsLazyLoaded = true;
            // Unloadable builds are read into memory (native libraries shadow-copied) so a rebuild can overwrite the folder.
            config.LoadInMemory = unloadable;
        });

    private PluginLoadDiagnosis? CheckFolder(string pluginName, string pluginDirectory, string assemblyPath)
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            return new PluginsDirectoryMissing(PluginsDirectory);
        }

        if (!Directory.Exists(pluginDirectory))
        {
            return new PluginFolderMissing(pluginDirectory, PluginsDirectory, FindPluginNames());
        }

        if (!File.Exists(assemblyPath))
        {
            var dlls = Directory.EnumerateFiles(pluginDirectory, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            return new MainAssemblyMissing(pluginDirectory, pluginName, dlls!);
        }

        var copiedAbstractions = Path.Combine(pluginDirectory, AbstractionsName + ".dll");
        return File.Exists(copiedAbstractions) ? new AbstractionsCopied(copiedAbstractions) : null;
    }

    // Read from metadata before loading anything, so a mismatch is reported as such and not as a confusing type error.
    private static (Version? AbstractionsVersion, PluginLoadDiagnosis? Problem) ReadMetadata(string assemblyPath)
    {
        Version? referenced = null;
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return (null, new NotADotNetAssembly(assemblyPath));
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
            return (null, new AssemblyUnreadable(assemblyPath, e.Message));
        }

        if (referenced is not null && referenced.Major != HostAbstractions.Version!.Major)
        {
            return (referenced, new AbstractionsVersionMismatch(assemblyPath, referenced, HostAbstractions.Version!));
        }

        return (referenced, null);
    }

    private static PluginLoadDiagnosis? CheckDependencies(string pluginDirectory, string pluginName)
    {
        var depsFile = Path.Combine(pluginDirectory, pluginName + ".deps.json");
        if (!File.Exists(depsFile))
        {
            return null;
        }

        var (missing, unreadable) = PluginDependencies.Check(depsFile, pluginDirectory, pluginName);
        return missing.Count == 0 && unreadable.Count == 0 ? null : new DependenciesMissing(pluginDirectory, depsFile, missing, unreadable);
    }

    private static (Assembly? Assembly, Type[] Types, PluginLoadDiagnosis? Problem) LoadTypes(McMasterPluginLoader loader, string assemblyPath)
    {
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            return (assembly, assembly.GetExportedTypes(), null);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException && DependencyName(e) is { } dependency &&
                                  !string.Equals(dependency, Path.GetFileNameWithoutExtension(assemblyPath), StringComparison.OrdinalIgnoreCase))
        {
            return (null, [], new DependencyFailedToLoad(assemblyPath, dependency, $"{e.GetType().Name}: {FirstLine(e)}"));
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException)
        {
            return (null, [], new AssemblyUnreadable(assemblyPath, $"{e.GetType().Name}: {FirstLine(e)}"));
        }
    }

    private static string? DependencyName(Exception e)
    {
        var fileName = e switch
        {
            FileNotFoundException notFound => notFound.FileName,
            FileLoadException load => load.FileName,
            _ => null,
        };
        if (fileName is null)
        {
            return null;
        }

        try
        {
            return new AssemblyName(fileName).Name;
        }
        catch (Exception nameError) when (nameError is ArgumentException or FileLoadException)
        {
            return Path.GetFileNameWithoutExtension(fileName);
        }
    }

    private static List<Type> Implementations(Type[] types, Type contract) =>
        types.Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && contract.IsAssignableFrom(t)).ToList();

    private static (Type? Type, PluginLoadDiagnosis? Problem) FindImplementation(Type[] types, ConnectorSide side, string assemblyPath)
    {
        var contract = side.ContractType();
        var candidates = Implementations(types, contract);
        if (candidates.Count == 1)
        {
            return (candidates[0], null);
        }

        if (candidates.Count > 1)
        {
            return (null, new SeveralImplementations(assemblyPath, contract.FullName!, candidates.Select(t => t.FullName!).ToList()));
        }

        var other = side == ConnectorSide.Source ? ConnectorSide.Destination : ConnectorSide.Source;
        var otherSide = Implementations(types, other.ContractType()).Select(t => t.FullName!).ToList();
        return (null, otherSide.Count > 0
            ? new ImplementsOtherSide(assemblyPath, contract.Name, contract.FullName!, other, otherSide)
            : new NoImplementation(assemblyPath, contract.Name, contract.FullName!));
    }

    private static bool HasUsableConstructor(Type type) =>
        type.GetConstructor([typeof(PluginContext)]) is not null || type.GetConstructor(Type.EmptyTypes) is not null;

    private static TContract Construct<TContract>(Type type, PluginContext context, Func<PluginLoadDiagnosis, PluginLoadException> fail)
    {
        var withContext = type.GetConstructor([typeof(PluginContext)]);
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if (withContext is null && parameterless is null)
        {
            throw fail(new NoUsableConstructor(type.FullName!));
        }

        try
        {
            var instance = withContext is not null ? withContext.Invoke([context]) : parameterless!.Invoke(null);
            return (TContract)instance;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw fail(new ConstructorThrew(type.FullName!, e.InnerException.GetType().Name, FirstLine(e.InnerException)));
        }
    }

    internal static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Strip the "+commit" suffix the SDK appends.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].TrimEnd('\r');
}

/// <summary>Which contract(s) a plugin folder implements, as the plugins listing reports it.</summary>
public enum PluginContractSide
{
    None,
    Source,
    Destination,
    SourceAndDestination,
}

internal static class PluginContractSideExtensions
{
    public static IEnumerable<ConnectorSide> Sides(this PluginContractSide side) => side switch
    {
        PluginContractSide.Source => [ConnectorSide.Source],
        PluginContractSide.Destination => [ConnectorSide.Destination],
        PluginContractSide.SourceAndDestination => [ConnectorSide.Source, ConnectorSide.Destination],
        _ => [],
    };
}

/// <summary>One folder of the plugins directory, as <c>connectorhost plugins</c> shows it.</summary>
/// <param name="Version">The plugin assembly's informational version (null when it could not be read).</param>
/// <param name="AbstractionsVersion">The ConnectorHost.Abstractions version it references (null if none or unreadable).</param>
/// <param name="Problem">Why it would not load; null when it loads.</param>
public sealed record PluginListing(
    string Name,
    string Directory,
    PluginContractSide Side,
    string? Version,
    Version? AbstractionsVersion,
    PluginLoadDiagnosis? Problem)
{
    public bool Loads => Problem is null;
}
