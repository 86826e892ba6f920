namespace ConnectorHost.Plugins;

/// <summary>
/// Why a plugin folder cannot be served: one record per failure kind, each able to say what is wrong and how to fix it.
/// </summary>
public abstract record PluginLoadDiagnosis
{
    /// <summary>The problem and its fix, as one sentence or two; the caller prefixes which plugin it is about.</summary>
    public abstract string Describe();

    internal static string ListOrNone(IEnumerable<string> items)
    {
        var list = string.Join(", ", items);
        return list.Length == 0 ? "none" : list;
    }
}

public sealed record PluginsDirectoryMissing(string PluginsDirectory) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"the plugins directory {PluginsDirectory} does not exist. Build the solution (dotnet build) to create it, or fix pluginsDirectory in plugins.json.";
}

public sealed record PluginFolderMissing(string PluginDirectory, string PluginsDirectory, IReadOnlyList<string> PluginsFound) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"no folder {PluginDirectory}. Plugins found in {PluginsDirectory}: {ListOrNone(PluginsFound)}. " +
        "Fix the plugin name in plugins.json, or build/copy the plugin's folder there.";
}

public sealed record MainAssemblyMissing(string PluginDirectory, string PluginName, IReadOnlyList<string> AssembliesFound) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"the folder {PluginDirectory} has no {PluginName}.dll (a plugin's main assembly is named after its folder; " +
        $"assemblies there: {ListOrNone(AssembliesFound)}). Rename the folder after the assembly or set AssemblyName to the folder name, and rebuild.";
}

public sealed record AbstractionsCopied(string CopyPath) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{CopyPath} must not be in the plugin folder: the host provides {PluginLoader.AbstractionsName} so plugin and host share its types. " +
        "Reference it compile-only (ProjectReference with Private=\"false\" ExcludeAssets=\"runtime\", or PackageReference with " +
        "ExcludeAssets=\"runtime\"), rebuild, and delete the copy. If the project already does, the copy came from `dotnet build -o`, which " +
        "builds referenced projects into that folder too: deploy with `dotnet publish -o <folder>` instead.";
}

public sealed record NotADotNetAssembly(string AssemblyPath) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} is not a .NET assembly. Build the plugin as a .NET class library (net10.0).";
}

public sealed record AssemblyUnreadable(string AssemblyPath, string Error) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} is not a valid .NET assembly ({Error}). Rebuild the plugin as a net10.0 class library and copy its whole build output again.";
}

public sealed record AbstractionsVersionMismatch(string AssemblyPath, Version BuiltAgainst, Version Provided) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} was built against {PluginLoader.AbstractionsName} {BuiltAgainst}, but this host provides {Provided} " +
        $"(major versions must match). Rebuild the plugin against {PluginLoader.AbstractionsName} {Provided.Major}.x.";
}

/// <summary>Files its .deps.json says the plugin runs with are not in its folder (or are not assemblies).</summary>
public sealed record DependenciesMissing(string PluginDirectory, string DepsFile, IReadOnlyList<string> Missing, IReadOnlyList<string> Unreadable) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{DepsFile} lists dependencies that " +
        (Missing.Count > 0 ? $"are missing from {PluginDirectory}: {string.Join(", ", Missing)}" : string.Empty) +
        (Missing.Count > 0 && Unreadable.Count > 0 ? "; and some that " : string.Empty) +
        (Unreadable.Count > 0 ? $"are not valid .NET assemblies: {string.Join(", ", Unreadable)}" : string.Empty) +
        ". A class library's build output omits its package dependencies unless the project sets " +
        "<EnableDynamicLoading>true</EnableDynamicLoading>: add it to the plugin's csproj and rebuild, or deploy with `dotnet publish -o <folder>`, " +
        "then copy the whole output folder.";
}

/// <summary>The main assembly loaded, but reading its types needed an assembly that could not be loaded.</summary>
public sealed record DependencyFailedToLoad(string AssemblyPath, string Dependency, string Error) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} could not be loaded: its dependency {Dependency} failed to load ({Error}). " +
        "Rebuild the plugin for net10.0 with <EnableDynamicLoading>true</EnableDynamicLoading> (or `dotnet publish`) and copy its whole " +
        "build output (with its .deps.json and dependencies) into the folder.";
}

public sealed record NoImplementation(string AssemblyPath, string ContractName, string ContractFullName) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} has no public non-abstract type implementing {ContractFullName}. Add a public class implementing {ContractName}.";
}

public sealed record ImplementsOtherSide(string AssemblyPath, string ContractName, string ContractFullName, ConnectorSide OtherSide, IReadOnlyList<string> Types)
    : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} has no public non-abstract type implementing {ContractFullName} (it implements {OtherSide.ContractType().Name} in " +
        $"{string.Join(", ", Types)}: configure it as \"{OtherSide.ConfigKey()}\" in plugins.json instead). Add a public class implementing {ContractName}.";
}

public sealed record SeveralImplementations(string AssemblyPath, string ContractFullName, IReadOnlyList<string> Types) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{AssemblyPath} has {Types.Count} public types implementing {ContractFullName}: {string.Join(", ", Types)}. " +
        "A plugin must have exactly one; make the others internal, abstract, or move them to another plugin.";
}

public sealed record NoUsableConstructor(string TypeName) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"{TypeName} has no public constructor taking (PluginContext) or no arguments. Add one of them.";
}

public sealed record ConstructorThrew(string TypeName, string ExceptionType, string Message) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"the constructor of {TypeName} threw {ExceptionType}: {Message}. " +
        "Fix the plugin (or the configuration it reads at start-up); constructors should not fail.";
}

public sealed record DataFolderNotCreatable(string DataFolder, string Error) : PluginLoadDiagnosis
{
    public override string Describe() =>
        $"its data directory {DataFolder} cannot be created ({Error}). Fix dataDirectory in plugins.json or the folder's permissions.";
}
