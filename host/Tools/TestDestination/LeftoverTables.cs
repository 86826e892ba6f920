using System.Text.Json.Nodes;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Testing.Replay;
using FivetranSdk.V2;

namespace ConnectorHost.Tools.TestDestination;

/// <summary>
/// A tester input expects its tables not to exist yet. Against a destination that keeps data between runs (every
/// real one), the tool drops what an earlier run of the same file left in its schema before replaying it again.
/// </summary>
internal static class LeftoverTables
{
    /// <summary>Every table the file names: created, altered, written, migrated (from and to) or described.</summary>
    public static IReadOnlyList<string> NamedIn(TesterInput input)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var spec in input.CreateTables.Concat(input.AlterTables))
        {
            names.Add(spec.Name);
        }

        names.UnionWith(input.DescribeTables);
        foreach (var node in input.Operations.Concat(input.SchemaMigrations))
        {
            Collect(node, key: null, names);
        }

        return names.ToList();
    }

    /// <summary>Drops each of <paramref name="tables"/> that exists in <paramref name="schema"/>; returns what it could not clear.</summary>
    public static async Task<List<string>> ClearAsync(IDestinationConnector destination, IDictionary<string, string> configuration, string schema,
        IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var table in tables)
        {
            var describe = new DescribeTableRequest { SchemaName = schema, TableName = table };
            describe.Configuration.Add(configuration);
            DescribeTableResponse described;
            try
            {
                described = await destination.DescribeTableAsync(describe, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e)
            {
                problems.Add($"{schema}.{table} could not be described to check for leftovers ({e.Kind}: {e.Message})");
                continue;
            }

            if (described.ResponseCase != DescribeTableResponse.ResponseOneofCase.Table)
            {
                continue;
            }

            var drop = new MigrateRequest { Details = new MigrationDetails { Schema = schema, Table = table, Drop = new DropOperation { DropTable = true } } };
            drop.Configuration.Add(configuration);
            try
            {
                var response = await destination.MigrateAsync(drop, cancellationToken).ConfigureAwait(false);
                if (response.ResponseCase != MigrateResponse.ResponseOneofCase.Success)
                {
                    problems.Add($"{schema}.{table} exists from an earlier run and the destination answered {response.ResponseCase} to dropping it");
                }
            }
            catch (ConnectorException e)
            {
                problems.Add($"{schema}.{table} exists from an earlier run and could not be dropped ({e.Kind}: {e.Message})");
            }
        }

        return problems;
    }

    private static void Collect(JsonNode? node, string? key, ISet<string> names)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (childKey, child) in obj)
                {
                    // Operations are keyed by table: {"upsert": {"campaign": [rows]}}.
                    if (key is "upsert" or "update" or "delete" or "soft_delete")
                    {
                        names.Add(childKey);
                    }

                    Collect(child, childKey, names);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (key is "truncate_before" or "soft_truncate_before" && item is JsonValue value && value.TryGetValue<string>(out var truncated))
                    {
                        names.Add(truncated);
                    }

                    Collect(item, key, names);
                }

                break;
            case JsonValue value when key is not null && key.Contains("table", StringComparison.OrdinalIgnoreCase) && value.TryGetValue<string>(out var name):
                names.Add(name);
                break;
        }
    }
}
