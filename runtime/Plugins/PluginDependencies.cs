using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ConnectorHost.Plugins;

/// <summary>
/// Checks a plugin folder against its .deps.json before anything is loaded: every managed and native file it lists for
/// this platform must be in the folder, and every managed one must be an assembly. A class library built without
/// EnableDynamicLoading lists its package dependencies but does not copy them, which otherwise surfaces only as a
/// FileNotFoundException on the plugin's first call that needs one.
/// </summary>
internal static class PluginDependencies
{
    // Provided by the host (the plugin must not carry them), so a deps.json listing them is not missing anything.
    private static readonly HashSet<string> HostProvided = new(StringComparer.OrdinalIgnoreCase)
    {
        "ConnectorHost.Abstractions.dll",
        "Google.Protobuf.dll",
        "Microsoft.Extensions.Logging.Abstractions.dll",
        "Serilog.dll",
        "ParquetSharp.dll",
        "Apache.Arrow.dll",
        "ParquetSharpNative.so",
        "ParquetSharpNative.dylib",
        "ParquetSharpNative.dll",
    };

    public static (IReadOnlyList<string> Missing, IReadOnlyList<string> Unreadable) Check(string depsFile, string pluginDirectory, string pluginName)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var unreadable = new SortedSet<string>(StringComparer.Ordinal);
        JsonDocument deps;
        try
        {
            using var stream = File.OpenRead(depsFile);
            deps = JsonDocument.Parse(stream);
        }
        catch (JsonException)
        {
            // Not ours to judge: the runtime's resolver reports an unreadable deps.json when the plugin loads.
            return ([], []);
        }

        using (deps)
        {
            foreach (var library in TargetLibraries(deps.RootElement))
            {
                if (library.Name.StartsWith(pluginName + "/", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var (relativePath, managed) in Assets(library.Value))
                {
                    if (HostProvided.Contains(Path.GetFileName(relativePath)))
                    {
                        continue;
                    }

                    var path = Path.Combine(pluginDirectory, relativePath);
                    if (!File.Exists(path))
                    {
                        missing.Add(relativePath);
                    }
                    else if (managed && !IsAssembly(path))
                    {
                        unreadable.Add(relativePath);
                    }
                }
            }
        }

        return (missing.ToList(), unreadable.ToList());
    }

    private static IEnumerable<JsonProperty> TargetLibraries(JsonElement root)
    {
        if (!root.TryGetProperty("runtimeTarget", out var runtimeTarget) || !runtimeTarget.TryGetProperty("name", out var targetName) ||
            !root.TryGetProperty("targets", out var targets) || !targets.TryGetProperty(targetName.GetString() ?? string.Empty, out var target) ||
            target.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return target.EnumerateObject();
    }

    // Where each listed file lives in an app-local (build or publish) folder: RID-neutral assets flat in the folder,
    // RID-specific ones under runtimes/<rid>/... (only this platform's RID is required).
    private static IEnumerable<(string RelativePath, bool Managed)> Assets(JsonElement library)
    {
        if (library.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var (section, managed) in new[] { ("runtime", true), ("native", false) })
        {
            if (library.TryGetProperty(section, out var assets) && assets.ValueKind == JsonValueKind.Object)
            {
                foreach (var asset in assets.EnumerateObject())
                {
                    yield return (Path.GetFileName(asset.Name), managed);
                }
            }
        }

        if (library.TryGetProperty("runtimeTargets", out var runtimeTargets) && runtimeTargets.ValueKind == JsonValueKind.Object)
        {
            foreach (var asset in runtimeTargets.EnumerateObject())
            {
                if (asset.Value.TryGetProperty("rid", out var rid) && rid.GetString() == RuntimeInformation.RuntimeIdentifier &&
                    asset.Value.TryGetProperty("assetType", out var type))
                {
                    yield return (asset.Name.Replace('/', Path.DirectorySeparatorChar), type.GetString() == "runtime");
                }
            }
        }
    }

    private static bool IsAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            return pe.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
