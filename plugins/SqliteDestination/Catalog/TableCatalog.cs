using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Catalog;

/// <summary>
/// The catalog of destination tables, kept in two metadata tables of the same database file.
/// SQLite has no schemas and compares identifiers case-insensitively, so (schema, table) is mapped to a physical
/// table name chosen to be readable ("schema.table") yet unique, and the Fivetran types, key flags and parameters
/// that SQLite's affinities would lose are kept here too.
/// </summary>
internal static class TableCatalog
{
    private const string Tables = "_connectorhost_tables";
    private const string Columns = "_connectorhost_columns";
    private const string Schemas = "_connectorhost_schemas";

    public static void EnsureCreated(SqliteConnection connection)
    {
        connection.Execute($"""
            CREATE TABLE IF NOT EXISTS {Schemas} (schema_name TEXT NOT NULL PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS {Tables} (
                id INTEGER PRIMARY KEY,
                schema_name TEXT NOT NULL,
                table_name TEXT NOT NULL,
                physical_name TEXT NOT NULL UNIQUE,
                UNIQUE (schema_name, table_name));
            CREATE TABLE IF NOT EXISTS {Columns} (
                table_id INTEGER NOT NULL,
                ordinal INTEGER NOT NULL,
                column_name TEXT NOT NULL,
                physical_name TEXT NOT NULL,
                data_type TEXT NOT NULL,
                primary_key INTEGER NOT NULL,
                decimal_precision INTEGER,
                decimal_scale INTEGER,
                string_byte_length INTEGER,
                PRIMARY KEY (table_id, ordinal));
            """);
    }

    public static TableDefinition? Find(SqliteConnection connection, string schema, string table)
    {
        var row = connection.Query($"SELECT id, physical_name FROM {Tables} WHERE schema_name = @p0 AND table_name = @p1", schema, table)
            .FirstOrDefault();
        if (row is null)
        {
            return null;
        }

        var id = (long)row[0]!;
        var columns = connection.Query(
                $"SELECT column_name, physical_name, data_type, primary_key, decimal_precision, decimal_scale, string_byte_length FROM {Columns} WHERE table_id = @p0 ORDER BY ordinal",
                id)
            .Select(c => new ColumnDefinition(
                (string)c[0]!,
                (string)c[1]!,
                Enum.Parse<DataType>((string)c[2]!),
                (long)c[3]! != 0,
                c[4] is long p ? (uint)p : null,
                c[5] is long s ? (uint)s : null,
                c[6] is long l ? (int)l : null))
            .ToList();
        return new TableDefinition(id, schema, table, (string)row[1]!, columns);
    }

    public static TableDefinition Require(SqliteConnection connection, string schema, string table) =>
        Find(connection, schema, table)
        ?? throw new ConnectorException(ConnectorErrorKind.NotFound, $"Table {schema}.{table} does not exist.");

    /// <summary>Creates the table (and its schema if missing). Fails with ALREADY_EXISTS if it is there.</summary>
    public static TableDefinition Create(SqliteConnection connection, string schema, string table, IEnumerable<Column> columns) =>
        Create(connection, schema, table, AssignPhysicalNames(columns.Select(c => ColumnDefinition.FromProto(c, c.Name))));

    public static TableDefinition Create(SqliteConnection connection, string schema, string table, IReadOnlyList<ColumnDefinition> columns)
    {
        Sql.RequireName(schema, "schema");
        Sql.RequireName(table, "table");
        if (Find(connection, schema, table) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {schema}.{table} already exists.");
        }

        ValidateColumns($"{schema}.{table}", columns);
        connection.Execute($"INSERT OR IGNORE INTO {Schemas} (schema_name) VALUES (@p0)", schema);
        var physical = ChoosePhysicalTableName(connection, $"{schema}.{table}");
        connection.Execute($"INSERT INTO {Tables} (schema_name, table_name, physical_name) VALUES (@p0, @p1, @p2)", schema, table, physical);
        var id = (long)connection.Scalar("SELECT last_insert_rowid()")!;
        var definition = new TableDefinition(id, schema, table, physical, columns);
        CreatePhysicalTable(connection, physical, definition);
        SaveColumns(connection, definition);
        return definition;
    }

    public static void CreatePhysicalTable(SqliteConnection connection, string physicalName, TableDefinition definition)
    {
        var parts = definition.Columns.Select(c => $"{Sql.Quote(c.PhysicalName)} {StorageFormat.Affinity(c.Type)}").ToList();
        var key = definition.StorageKey;
        if (key.Count > 0)
        {
            parts.Add($"PRIMARY KEY ({Sql.QuoteList(key.Select(k => k.PhysicalName))})");
        }

        // WITHOUT ROWID: the key is the table's only b-tree, so upserts by key touch one structure instead of two.
        var suffix = key.Count > 0 ? " WITHOUT ROWID" : "";
        connection.Execute($"CREATE TABLE {Sql.Quote(physicalName)} ({string.Join(", ", parts)}){suffix}");
    }

    public static void SaveColumns(SqliteConnection connection, TableDefinition definition)
    {
        connection.Execute($"DELETE FROM {Columns} WHERE table_id = @p0", definition.Id);
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            var c = definition.Columns[i];
            connection.Execute(
                $"INSERT INTO {Columns} (table_id, ordinal, column_name, physical_name, data_type, primary_key, decimal_precision, decimal_scale, string_byte_length) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)",
                definition.Id, i, c.Name, c.PhysicalName, c.Type.ToString(), c.PrimaryKey ? 1 : 0, c.Precision is { } p ? (long)p : null, c.Scale is { } s ? (long)s : null, c.StringByteLength is { } l ? (long)l : null);
        }
    }

    /// <summary>Renames the table in the catalog and its physical table to match the new name.</summary>
    public static TableDefinition Rename(SqliteConnection connection, TableDefinition definition, string newName)
    {
        Sql.RequireName(newName, "table");
        if (Find(connection, definition.Schema, newName) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {definition.Schema}.{newName} already exists.");
        }

        var physical = ChoosePhysicalTableName(connection, $"{definition.Schema}.{newName}");
        connection.Execute($"ALTER TABLE {Sql.Quote(definition.PhysicalName)} RENAME TO {Sql.Quote(physical)}");
        connection.Execute($"UPDATE {Tables} SET table_name = @p0, physical_name = @p1 WHERE id = @p2", newName, physical, definition.Id);
        return new TableDefinition(definition.Id, definition.Schema, newName, physical, definition.Columns);
    }

    public static void Drop(SqliteConnection connection, TableDefinition definition)
    {
        connection.Execute($"DROP TABLE IF EXISTS {Sql.Quote(definition.PhysicalName)}");
        connection.Execute($"DELETE FROM {Columns} WHERE table_id = @p0", definition.Id);
        connection.Execute($"DELETE FROM {Tables} WHERE id = @p0", definition.Id);
    }

    /// <summary>Points the catalog entry at another physical table (after a rebuild).</summary>
    public static TableDefinition Repoint(SqliteConnection connection, TableDefinition definition, string physicalName)
    {
        connection.Execute($"UPDATE {Tables} SET physical_name = @p0 WHERE id = @p1", physicalName, definition.Id);
        return new TableDefinition(definition.Id, definition.Schema, definition.Name, physicalName, definition.Columns);
    }

    /// <summary>A physical name no other SQLite object uses (SQLite compares names ignoring ASCII case).</summary>
    public static string ChoosePhysicalTableName(SqliteConnection connection, string wanted)
    {
        if (wanted.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) || wanted.StartsWith("_connectorhost_", StringComparison.OrdinalIgnoreCase))
        {
            wanted = "t_" + wanted;
        }

        var candidate = wanted;
        for (var n = 2; IsNameTaken(connection, candidate); n++)
        {
            candidate = $"{wanted}~{n}";
        }

        return candidate;
    }

    private static bool IsNameTaken(SqliteConnection connection, string name) =>
        connection.Scalar("SELECT 1 FROM sqlite_master WHERE name = @p0 COLLATE NOCASE", name) is not null
        || connection.Scalar($"SELECT 1 FROM {Tables} WHERE physical_name = @p0 COLLATE NOCASE", name) is not null;

    /// <summary>Gives each column a SQLite name; columns whose names differ only in ASCII case get a suffix.</summary>
    public static List<ColumnDefinition> AssignPhysicalNames(IEnumerable<ColumnDefinition> columns, IEnumerable<string>? alreadyUsed = null)
    {
        var used = new HashSet<string>(alreadyUsed ?? [], StringComparer.OrdinalIgnoreCase);
        var result = new List<ColumnDefinition>();
        foreach (var column in columns)
        {
            Sql.RequireName(column.Name, "column");
            var candidate = column.Name;
            for (var n = 2; !used.Add(candidate); n++)
            {
                candidate = $"{column.Name}~{n}";
            }

            result.Add(column with { PhysicalName = candidate });
        }

        return result;
    }

    public static void ValidateColumns(string table, IReadOnlyList<ColumnDefinition> columns)
    {
        if (columns.Count == 0)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Table {table} has no columns.");
        }

        var duplicate = columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Table {table} names column '{duplicate.Key}' more than once.");
        }

        foreach (var column in columns)
        {
            if (!Enum.IsDefined(column.Type))
            {
                var known = string.Join(", ", Enum.GetValues<DataType>().Select(t => $"{t.ToString().ToUpperInvariant()} ({(int)t})"));
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                    $"Table {table}, column '{column.Name}': data type {(int)column.Type} is not a Fivetran data type (known: {known}).");
            }

            if (column.Type == DataType.Decimal && column.Precision is > 0 && column.Scale > column.Precision)
            {
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                    $"Table {table}, column '{column.Name}': DECIMAL({column.Precision},{column.Scale}) has a scale larger than its precision.");
            }
        }
    }
}
