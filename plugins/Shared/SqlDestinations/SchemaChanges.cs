using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace SqlDestinations;

/// <summary>AlterTable and Truncate.</summary>
internal sealed class SchemaChanges(ISqlDialect dialect, TableCatalog catalog, ISqlSession session)
{
    /// <summary>
    /// Adds columns, changes types (converting stored values), changes the key (catalog only: keys are not
    /// constraints), and drops columns missing from the request only when asked; kept columns go last and leave the key.
    /// </summary>
    public TableDefinition Alter(TableDefinition current, Table requested, bool dropColumns)
    {
        var wanted = requested.Columns.Select(ColumnDefinition.FromProto).ToList();
        var kept = dropColumns ? [] : current.Columns.Where(c => wanted.All(w => w.Name != c.Name)).Select(c => c with { PrimaryKey = false }).ToList();
        var target = current.With([.. wanted, .. kept]);
        catalog.Validate(target);
        var physical = catalog.PhysicalName(current);
        foreach (var column in current.Columns.Where(c => target.Find(c.Name) is null))
        {
            session.Execute($"ALTER TABLE {physical} DROP COLUMN {Sql.Quote(column.Name)}");
        }

        foreach (var column in wanted)
        {
            if (current.Find(column.Name) is not { } old)
            {
                session.Execute($"ALTER TABLE {physical} ADD COLUMN {Sql.Quote(column.Name)} {dialect.SqlType(column)}");
            }
            else if (dialect.SqlType(old) != dialect.SqlType(column))
            {
                try
                {
                    session.Execute($"ALTER TABLE {physical} ALTER COLUMN {Sql.Quote(column.Name)} SET DATA TYPE {dialect.SqlType(column)} USING CAST({Sql.Quote(column.Name)} AS {dialect.SqlType(column)})");
                }
                catch (System.Data.Common.DbException e)
                {
                    throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                        $"Cannot change column '{column.Name}' of {current.DisplayName} from {old.Type} to {column.Type}: a stored value does not convert ({e.Message}).", e);
                }
            }
        }

        catalog.Save(session, target);
        return target;
    }

    public long Truncate(TableDefinition table, TruncateRequest request)
    {
        var synced = table.Require(string.IsNullOrEmpty(request.SyncedColumn) ? SystemColumns.Synced : request.SyncedColumn);
        if (request.UtcDeleteBefore is null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Truncate of {table.DisplayName} has no utc_delete_before.");
        }

        var cutoff = request.UtcDeleteBefore.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var physical = catalog.PhysicalName(table);
        var where = $"{Sql.Quote(synced.Name)} < CAST($1 AS {dialect.SqlType(synced)})";
        if (request.Soft is null)
        {
            return session.Execute($"DELETE FROM {physical} WHERE {where}", cutoff);
        }

        var deletedName = string.IsNullOrEmpty(request.Soft.DeletedColumn) ? SystemColumns.Deleted : request.Soft.DeletedColumn;
        if (table.Find(deletedName) is null)
        {
            // Fivetran names the column to flag; a table created without it gets it, as a later AlterTable would add it.
            var deleted = new ColumnDefinition(deletedName, DataType.Boolean, false, null, null, null);
            session.Execute($"ALTER TABLE {physical} ADD COLUMN {Sql.Quote(deletedName)} {dialect.SqlType(deleted)}");
            catalog.Save(session, table.With([.. table.Columns, deleted]));
        }

        return session.Execute($"UPDATE {physical} SET {Sql.Quote(deletedName)} = TRUE WHERE {where}", cutoff);
    }
}
