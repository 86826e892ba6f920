using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;

namespace SqliteDestination.Schema;

/// <summary>
/// SQLite cannot change a column's type or a table's primary key in place: build the new table, copy the rows
/// through per-column SQL expressions, drop the old one and take its name. Runs inside the caller's transaction.
/// </summary>
internal static class TableRebuilder
{
    /// <param name="target">The new definition (same id and physical name as <paramref name="current"/>).</param>
    /// <param name="sourceExpressions">For each target column name, the SQL expression over the old table's columns.</param>
    public static TableDefinition Rebuild(
        SqliteConnection connection,
        TableDefinition current,
        TableDefinition target,
        IReadOnlyDictionary<string, string> sourceExpressions,
        string? where = null)
    {
        var temporary = TableCatalog.ChoosePhysicalTableName(connection, current.PhysicalName + "~rebuild");
        TableCatalog.CreatePhysicalTable(connection, temporary, target);
        var columns = Sql.QuoteList(target.Columns.Select(c => c.PhysicalName));
        var expressions = string.Join(", ", target.Columns.Select(c => sourceExpressions.TryGetValue(c.Name, out var e) ? e : "NULL"));
        connection.Execute($"INSERT INTO {Sql.Quote(temporary)} ({columns}) SELECT {expressions} FROM {Sql.Quote(current.PhysicalName)}{(where is null ? "" : " WHERE " + where)}");
        connection.Execute($"DROP TABLE {Sql.Quote(current.PhysicalName)}");
        connection.Execute($"ALTER TABLE {Sql.Quote(temporary)} RENAME TO {Sql.Quote(current.PhysicalName)}");
        TableCatalog.SaveColumns(connection, target);
        return target;
    }

    /// <summary>Expressions copying every column that exists in both definitions unchanged.</summary>
    public static Dictionary<string, string> SameColumns(TableDefinition current, TableDefinition target)
    {
        var map = new Dictionary<string, string>();
        foreach (var column in target.Columns)
        {
            if (current.Find(column.Name) is { } old)
            {
                map[column.Name] = Sql.Quote(old.PhysicalName);
            }
        }

        return map;
    }
}
