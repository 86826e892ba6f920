using System.Globalization;
using ConnectorHost.Abstractions;

namespace ExampleSource;

/// <summary>
/// The optional configuration value <c>recordCount</c> (not in the form, not in the Python example): how many
/// <c>table1</c> UPSERTs (a-0 … a-{n-1}) step 1 of a sync emits instead of three. For load tests and benchmarks.
/// </summary>
internal static class LoadKnob
{
    public const string Key = "recordCount";
    public const int DefaultTable1Upserts = 3;
    public const int MaxTable1Upserts = 100_000_000;

    public static int Table1Upserts(IDictionary<string, string> configuration)
    {
        if (Problem(configuration) is { } problem)
        {
            // The customer's own setting: a Fivetran task (the sync stops, the dashboard shows how to fix it).
            throw ConnectorAlertException.Task(problem);
        }

        return configuration.TryGetValue(Key, out var text) && !string.IsNullOrWhiteSpace(text)
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : DefaultTable1Upserts;
    }

    public static string? Problem(IDictionary<string, string> configuration)
    {
        if (!configuration.TryGetValue(Key, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count <= MaxTable1Upserts
            ? null
            : $"The configuration value '{Key}' must be a whole number from 0 to {MaxTable1Upserts} (how many table1 rows to emit); got '{text}'. Enter such a number in the connector's setup, or remove the value for the default of {DefaultTable1Upserts}.";
    }
}
