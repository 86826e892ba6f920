using System.Globalization;

namespace ConnectorHost.Benchmarks;

/// <summary>A scenario's command line: positional whole numbers, <c>--flag</c>s and <c>--option value</c>s in any order.</summary>
internal static class ScenarioArguments
{
    /// <summary>The <paramref name="position"/>-th argument that is neither a flag nor an option's value.</summary>
    public static int Number(string[] args, int position, int fallback)
    {
        var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(args, i)).ToArray();
        return position < positional.Length ? int.Parse(positional[position], CultureInfo.InvariantCulture) : fallback;
    }

    public static bool Flag(string[] args, string name) => args.Contains(name);

    /// <summary>The whole number after <paramref name="name"/>, e.g. <c>--rows 3000000</c>.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static bool IsOptionValue(string[] args, int index) =>
        index > 0 && args[index - 1] is "--rows" or "--row-group" or "--format";
}
