using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Schema;

/// <summary>
/// AlterTable: adds columns, changes types (converting stored values), changes the primary key, and drops
/// columns missing from the request only when drop_columns is set (otherwise they are kept, after the others).
/// </summary>
internal static class TableAlterer
{
    public static TableDefinition Alter(SqliteConnection connection, TableDefinition current, Table requested, bool dropColumns)
    {
        var wanted = requested.Columns.Select(c => ColumnDefinition.FromProto(c, c.Name)).ToList();
        TableCatalog.ValidateColumns(current.DisplayName, wanted);

        var columns = new List<ColumnDefinition>();
        var newColumns = new List<ColumnDefinition>();
        foreach (var column in wanted)
        {
            if (current.Find(column.Name) is { } existing)
            {
                columns.Add(column with { PhysicalName = existing.PhysicalName });
            }
            else
            {
                newColumns.Add(column);
            }
        }

        // The request defines the primary key: a column kept only because drop_columns is false is no longer part of it.
        var kept = dropColumns ? [] : current.Columns.Where(c => wanted.All(w => w.Name != c.Name)).Select(c => c with { PrimaryKey = false }).ToList();
        var usedNames = columns.Concat(kept).Select(c => c.PhysicalName).ToList();
        var added = TableCatalog.AssignPhysicalNames(newColumns, usedNames);
        // Keep the request's order; columns kept despite not being requested go last.
        var ordered = wanted.Select(w => columns.Concat(added).First(c => c.Name == w.Name)).Concat(kept).ToList();
        var target = current.With(ordered);

        var typeChanged = columns.Any(c => current.Find(c.Name)!.Type != c.Type);
        var keyChanged = !current.StorageKey.Select(k => k.Name).SequenceEqual(target.StorageKey.Select(k => k.Name));
        var dropped = current.Columns.Count(c => target.Find(c.Name) is null) > 0;

        if (!typeChanged && !keyChanged && !dropped)
        {
            foreach (var column in added)
            {
                connection.Execute($"ALTER TABLE {Sql.Quote(current.PhysicalName)} ADD COLUMN {Sql.Quote(column.PhysicalName)} {StorageFormat.Affinity(column.Type)}");
            }

            TableCatalog.SaveColumns(connection, target);
            return target;
        }

        var expressions = new Dictionary<string, string>();
        foreach (var column in target.Columns)
        {
            if (current.Find(column.Name) is not { } old)
            {
                continue;
            }

            var source = Sql.Quote(old.PhysicalName);
            expressions[column.Name] = old.Type == column.Type ? source : ConversionFunction.Call(source, old.Type, column.Type, column.Name);
        }

        try
        {
            return TableRebuilder.Rebuild(connection, current, target, expressions);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            var key = string.Join(", ", target.StorageKey.Select(k => k.Name));
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Cannot alter table {current.DisplayName}: rows would collide on the new primary key ({key}) or have it NULL ({ex.Message}).", ex);
        }
        catch (SqliteException ex) when (ex.Message.Contains("cannot be converted", StringComparison.Ordinal))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Cannot alter table {current.DisplayName}: {ExtractFunctionMessage(ex)}", ex);
        }
    }

    internal static string ExtractFunctionMessage(SqliteException ex)
    {
        var message = ex.Message;
        var start = message.IndexOf('\'');
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }
}
