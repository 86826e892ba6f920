using System.Text.Json;
using System.Text.Json.Nodes;
using FivetranSdk.V2;

namespace ConnectorHost.Testing.Replay;

/// <summary>
/// One Fivetran destination-tester input file (format: the tester README): tables to create and alter, a list of
/// record operations, schema migrations and tables to describe, in that order. Property order is kept, so
/// tables are created and operations replayed in file order.
/// </summary>
public sealed class TesterInput
{
    private TesterInput(string name, IReadOnlyList<TableSpec> createTables, IReadOnlyList<TableSpec> alterTables,
        IReadOnlyList<JsonObject> operations, IReadOnlyList<JsonObject> schemaMigrations, IReadOnlyList<string> describeTables)
    {
        Name = name;
        CreateTables = createTables;
        AlterTables = alterTables;
        Operations = operations;
        SchemaMigrations = schemaMigrations;
        DescribeTables = describeTables;
    }

    /// <summary>The file name (or the name given to <see cref="Parse"/>).</summary>
    public string Name { get; }

    public IReadOnlyList<TableSpec> CreateTables { get; }

    public IReadOnlyList<TableSpec> AlterTables { get; }

    /// <summary>Each entry one step: <c>{"upsert": {table: [records]}}</c>, <c>{"truncate_before": [tables]}</c>, ...</summary>
    public IReadOnlyList<JsonObject> Operations { get; }

    /// <summary>Each entry an object of migration kind → list of migrations.</summary>
    public IReadOnlyList<JsonObject> SchemaMigrations { get; }

    public IReadOnlyList<string> DescribeTables { get; }

    public static TesterInput Load(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    /// <summary>Parses an input file's JSON; a malformed file raises <see cref="TesterInputException"/> saying where.</summary>
    public static TesterInput Parse(string name, string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new TesterInputException(name, "the file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new TesterInputException(name, $"invalid JSON: {e.Message}");
        }

        foreach (var property in root)
        {
            if (property.Key is not ("create_table" or "alter_table" or "ops" or "schema_migration" or "describe_table"))
            {
                throw new TesterInputException(name, $"unknown section '{property.Key}' (expected create_table, alter_table, ops, schema_migration, describe_table)");
            }
        }

        return new TesterInput(
            name,
            Tables(name, root["create_table"], "create_table"),
            Tables(name, root["alter_table"], "alter_table"),
            Objects(name, root["ops"], "ops"),
            Objects(name, root["schema_migration"], "schema_migration"),
            (root["describe_table"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? throw new TesterInputException(name, "describe_table holds a null")).ToList() ?? []);
    }

    private static List<JsonObject> Objects(string name, JsonNode? node, string section) => node switch
    {
        null => [],
        JsonArray array => array.Select((n, i) => n as JsonObject ?? throw new TesterInputException(name, $"{section}[{i}] is not an object")).ToList(),
        _ => throw new TesterInputException(name, $"{section} is not an array"),
    };

    private static List<TableSpec> Tables(string name, JsonNode? node, string section)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject tables)
        {
            throw new TesterInputException(name, $"{section} is not an object");
        }

        var result = new List<TableSpec>();
        foreach (var (tableName, tableNode) in tables)
        {
            var where = $"{section}.{tableName}";
            if (tableNode?["columns"] is not JsonObject columnsNode)
            {
                throw new TesterInputException(name, $"{where} has no columns object");
            }

            var keys = (tableNode["primary_key"] as JsonArray)?.Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            var columns = new List<Column>();
            foreach (var (columnName, typeNode) in columnsNode)
            {
                var column = ParseColumnType(name, $"{where}.columns.{columnName}", typeNode);
                column.Name = columnName;
                column.PrimaryKey = keys.Contains(columnName);
                columns.Add(column);
            }

            var missingKey = keys.FirstOrDefault(k => columns.All(c => c.Name != k));
            if (missingKey is not null)
            {
                throw new TesterInputException(name, $"{where}.primary_key names '{missingKey}', which is not a column");
            }

            var historyMode = tableNode["history_mode"]?.GetValue<bool>() ?? false;
            result.Add(new TableSpec(tableName, columns, historyMode));
        }

        return result;
    }

    /// <summary>"INT", or {"type": "DECIMAL", "precision": p, "scale": s}, or {"type": "STRING", "string_byte_length": n}.</summary>
    public static Column ParseColumnType(string file, string where, JsonNode? node)
    {
        var column = new Column();
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var typeName):
                column.Type = ParseDataType(file, where, typeName);
                break;
            case JsonObject obj:
                column.Type = ParseDataType(file, where, obj["type"]?.GetValue<string>() ?? throw new TesterInputException(file, $"{where} has no type"));
                if (obj["precision"] is { } precision)
                {
                    column.Params = new DataTypeParams { Decimal = new DecimalParams { Precision = precision.GetValue<uint>(), Scale = obj["scale"]?.GetValue<uint>() ?? 0 } };
                }
                else if (obj["string_byte_length"] is { } length)
                {
                    column.Params = new DataTypeParams { StringByteLength = length.GetValue<int>() };
                }

                break;
            default:
                throw new TesterInputException(file, $"{where} is neither a type name nor a type object");
        }

        return column;
    }

    public static DataType ParseDataType(string file, string where, string name) =>
        Enum.TryParse<DataType>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var type) && type != DataType.Unspecified
            ? type
            : throw new TesterInputException(file, $"{where}: unknown data type '{name}'");
}

/// <summary>A table as an input file declares it (user columns only; the replayer adds Fivetran's system columns).</summary>
public sealed record TableSpec(string Name, IReadOnlyList<Column> Columns, bool HistoryMode);

/// <summary>An input file the replayer cannot understand: names the file and the place in it.</summary>
public sealed class TesterInputException(string file, string problem) : Exception($"{file}: {problem}")
{
    public string File { get; } = file;
}
