using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace SqlDestinations;

/// <summary>The schema-migration guide's operations, each inside the caller's transaction.</summary>
internal sealed class Migrator(ISqlDialect dialect, TableCatalog catalog, ISqlSession session)
{
    private const string MinTimestamp = "0001-01-01T00:00:00Z";
    private const string MaxTimestamp = "9999-12-31T23:59:59.999Z";

    /// <summary>Applies the migration; false when this destination does not support it (the LIVE sync modes).</summary>
    public bool Migrate(MigrationDetails details)
    {
        var schema = details.Schema;
        switch (details.OperationCase)
        {
            case MigrationDetails.OperationOneofCase.Drop when details.Drop.EntityCase == DropOperation.EntityOneofCase.DropTable:
                if (details.Drop.DropTable && catalog.Find(session, schema, details.Table) is { } dropped)
                {
                    catalog.Drop(session, dropped);
                }

                return true;
            case MigrationDetails.OperationOneofCase.Drop when details.Drop.EntityCase == DropOperation.EntityOneofCase.DropColumnInHistoryMode:
            {
                var op = details.Drop.DropColumnInHistoryMode;
                var table = Require(schema, details.Table);
                var column = table.Require(op.Column);
                RecordColumnChange(table, column, "NULL", Timestamp(table, op.OperationTimestamp), onlyWhereNotNull: true);
                return true;
            }

            case MigrationDetails.OperationOneofCase.Copy:
                Copy(details);
                return true;
            case MigrationDetails.OperationOneofCase.Rename when details.Rename.EntityCase == RenameOperation.EntityOneofCase.RenameTable:
                catalog.Rename(session, Require(schema, details.Rename.RenameTable.FromTable), details.Rename.RenameTable.ToTable);
                return true;
            case MigrationDetails.OperationOneofCase.Rename when details.Rename.EntityCase == RenameOperation.EntityOneofCase.RenameColumn:
            {
                var op = details.Rename.RenameColumn;
                var table = Require(schema, details.Table);
                table.Require(op.FromColumn);
                dialect.ValidateName(op.ToColumn, "column");
                if (table.Find(op.ToColumn) is not null)
                {
                    throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.DisplayName} already has a column '{op.ToColumn}'.");
                }

                session.Execute($"ALTER TABLE {catalog.PhysicalName(table)} RENAME COLUMN {Sql.Quote(op.FromColumn)} TO {Sql.Quote(op.ToColumn)}");
                catalog.Save(session, table.With(table.Columns.Select(c => c.Name == op.FromColumn ? c with { Name = op.ToColumn } : c).ToList()));
                return true;
            }

            case MigrationDetails.OperationOneofCase.Add when details.Add.EntityCase == AddOperation.EntityOneofCase.AddColumnWithDefaultValue:
            {
                var op = details.Add.AddColumnWithDefaultValue;
                var (table, column) = EnsureColumn(Require(schema, details.Table), op.Column, op.ColumnType);
                // The guide: an existing column still gets the default on every row.
                session.Execute($"UPDATE {catalog.PhysicalName(table)} SET {Sql.Quote(column.Name)} = {Value(table, column, op.DefaultValue, nullWord: false)}");
                return true;
            }

            case MigrationDetails.OperationOneofCase.Add when details.Add.EntityCase == AddOperation.EntityOneofCase.AddColumnInHistoryMode:
            {
                var op = details.Add.AddColumnInHistoryMode;
                var table = Require(schema, details.Table);
                var timestamp = Timestamp(table, op.OperationTimestamp);
                (table, var column) = EnsureColumn(table, op.Column, op.ColumnType);
                RecordColumnChange(table, column, Value(table, column, op.DefaultValue, nullWord: false), timestamp, onlyWhereNotNull: false);
                return true;
            }

            case MigrationDetails.OperationOneofCase.UpdateColumnValue:
            {
                var op = details.UpdateColumnValue;
                var table = Require(schema, details.Table);
                var column = table.Require(op.Column);
                session.Execute($"UPDATE {catalog.PhysicalName(table)} SET {Sql.Quote(column.Name)} = {Value(table, column, op.Value, nullWord: true)}");
                return true;
            }

            case MigrationDetails.OperationOneofCase.TableSyncModeMigration:
            {
                var op = details.TableSyncModeMigration;
                switch (op.Type)
                {
                    case TableSyncModeMigrationType.SoftDeleteToHistory:
                        SoftDeleteToHistory(Require(schema, details.Table), op.HasSoftDeletedColumn ? op.SoftDeletedColumn : SystemColumns.Deleted);
                        return true;
                    case TableSyncModeMigrationType.HistoryToSoftDelete:
                        HistoryToSoftDelete(Require(schema, details.Table), op.HasSoftDeletedColumn && op.SoftDeletedColumn.Length > 0 ? op.SoftDeletedColumn : SystemColumns.Deleted);
                        return true;
                    default:
                        Require(schema, details.Table);
                        return false; // the LIVE sync modes are not available in the Partner SDK
                }
            }

            default:
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Migration of {schema}.{details.Table} names no operation ({details.OperationCase}).");
        }
    }

    private TableDefinition Require(string schema, string table) => catalog.Require(session, schema, table);

    /// <summary>A SQL expression for a migration value: the text cast to the column's type (or NULL).</summary>
    private string Value(TableDefinition table, ColumnDefinition column, string text, bool nullWord)
    {
        if (nullWord && string.Equals(text, "NULL", StringComparison.OrdinalIgnoreCase))
        {
            return "NULL";
        }

        var expression = $"CAST({Sql.Literal(text)} AS {dialect.SqlType(column)})";
        try
        {
            session.Scalar("SELECT " + expression);
        }
        catch (System.Data.Common.DbException e)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"Value '{(text.Length > 100 ? text[..100] + "…" : text)}' for column '{column.Name}' of {table.DisplayName} is not a valid {column.Type}: {e.Message}", e);
        }

        return expression;
    }

    private string Timestamp(TableDefinition table, string text)
    {
        var start = table.Find(SystemColumns.Start)
            ?? throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} is not in history mode.");
        return Value(table, start, text, nullWord: false);
    }

    private (TableDefinition Table, ColumnDefinition Column) EnsureColumn(TableDefinition table, string name, DataType type)
    {
        if (table.Find(name) is { } existing)
        {
            return (table, existing);
        }

        dialect.ValidateName(name, "column");
        var column = new ColumnDefinition(name, type, false, null, null, null);
        session.Execute($"ALTER TABLE {catalog.PhysicalName(table)} ADD COLUMN {Sql.Quote(name)} {dialect.SqlType(column)}");
        var altered = table.With([.. table.Columns, column]);
        catalog.Save(session, altered);
        return (altered, column);
    }

    /// <summary>
    /// History of a DDL change: each active version started before the operation is copied into a new version
    /// starting at the operation time with the column set to <paramref name="value"/>, and closed at time − 1 ms.
    /// </summary>
    private void RecordColumnChange(TableDefinition table, ColumnDefinition column, string value, string timestamp, bool onlyWhereNotNull)
    {
        var t = catalog.PhysicalName(table);
        var start = Sql.Quote(SystemColumns.Start);
        var end = Sql.Quote(SystemColumns.End);
        var active = Sql.Quote(SystemColumns.Active);
        var c = Sql.Quote(column.Name);
        if (session.Scalar($"SELECT 1 FROM {t} LIMIT 1") is null)
        {
            return;
        }

        var condition = $"{active} AND {start} < {timestamp}" + (onlyWhereNotNull ? $" AND {c} IS NOT NULL" : "");
        var columns = table.Columns.Select(x => x.Name).ToList();
        var values = table.Columns.Select(x => x.Name == column.Name ? value : x.Name == SystemColumns.Start ? timestamp : Sql.Quote(x.Name));
        session.Execute($"INSERT INTO {t} ({Sql.QuoteList(columns)}) SELECT {string.Join(", ", values)} FROM {t} WHERE {condition}");
        session.Execute($"UPDATE {t} SET {c} = {value} WHERE {start} = {timestamp}");
        session.Execute($"UPDATE {t} SET {end} = {timestamp} - INTERVAL '1 millisecond', {active} = FALSE WHERE {condition}");
    }

    private void Copy(MigrationDetails details)
    {
        var schema = details.Schema;
        switch (details.Copy.EntityCase)
        {
            case CopyOperation.EntityOneofCase.CopyTable:
                CopyTable(Require(schema, details.Copy.CopyTable.FromTable), details.Copy.CopyTable.ToTable);
                break;
            case CopyOperation.EntityOneofCase.CopyColumn:
            {
                var op = details.Copy.CopyColumn;
                var table = Require(schema, details.Table);
                var source = table.Require(op.FromColumn);
                if (table.Find(op.ToColumn) is not null)
                {
                    throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.DisplayName} already has a column '{op.ToColumn}'.");
                }

                dialect.ValidateName(op.ToColumn, "column");
                var to = source with { Name = op.ToColumn, PrimaryKey = false };
                session.Execute($"ALTER TABLE {catalog.PhysicalName(table)} ADD COLUMN {Sql.Quote(to.Name)} {dialect.SqlType(to)}");
                session.Execute($"UPDATE {catalog.PhysicalName(table)} SET {Sql.Quote(to.Name)} = {Sql.Quote(source.Name)}");
                catalog.Save(session, table.With([.. table.Columns, to]));
                break;
            }

            case CopyOperation.EntityOneofCase.CopyTableToHistoryMode:
            {
                var op = details.Copy.CopyTableToHistoryMode;
                var copy = CopyTable(Require(schema, op.FromTable), op.ToTable);
                SoftDeleteToHistory(copy, string.IsNullOrEmpty(op.SoftDeletedColumn) ? null : op.SoftDeletedColumn);
                break;
            }

            default:
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Copy migration of {schema}.{details.Table} names nothing to copy.");
        }
    }

    private TableDefinition CopyTable(TableDefinition source, string toName)
    {
        var to = source with { Name = toName };
        catalog.Validate(to);
        if (catalog.Find(session, source.Schema, toName) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {to.DisplayName} already exists.");
        }

        session.Execute($"CREATE TABLE {catalog.PhysicalName(to)} AS SELECT * FROM {catalog.PhysicalName(source)}");
        catalog.Save(session, to);
        return to;
    }

    /// <summary>
    /// Adds _fivetran_start (key) / _fivetran_end / _fivetran_active: soft-deleted rows become closed versions at
    /// the minimum timestamp, the others active versions starting at the table's latest sync; the deleted column goes.
    /// The table is rebuilt in one statement (engines such as DuckDB refuse DROP COLUMN after an UPDATE in one transaction).
    /// </summary>
    private void SoftDeleteToHistory(TableDefinition table, string? deletedColumn)
    {
        var t = catalog.PhysicalName(table);
        var deleted = deletedColumn is null ? null : table.Find(deletedColumn);
        var history = new[] { SystemColumns.Start, SystemColumns.End, SystemColumns.Active };
        var kept = table.Columns.Where(c => c.Name != deleted?.Name && !history.Contains(c.Name)).ToList();
        var start = new ColumnDefinition(SystemColumns.Start, DataType.UtcDatetime, true, null, null, null);
        var end = new ColumnDefinition(SystemColumns.End, DataType.UtcDatetime, false, null, null, null);
        var active = new ColumnDefinition(SystemColumns.Active, DataType.Boolean, false, null, null, null);
        var ts = dialect.SqlType(start);
        var isDeleted = deleted is null ? "FALSE" : $"COALESCE({Sql.Quote(deleted.Name)}, FALSE)";
        var min = $"CAST({Sql.Literal(MinTimestamp)} AS {ts})";
        var latestSync = table.Find(SystemColumns.Synced) is not null ? $"(SELECT MAX({Sql.Quote(SystemColumns.Synced)}) FROM {t})" : min;
        var select = kept.Select(c => Sql.Quote(c.Name)).Concat(
        [
            $"CAST(CASE WHEN {isDeleted} THEN {min} ELSE COALESCE({latestSync}, {min}) END AS {ts}) AS {Sql.Quote(SystemColumns.Start)}",
            $"CAST(CASE WHEN {isDeleted} THEN {min} ELSE CAST({Sql.Literal(MaxTimestamp)} AS {ts}) END AS {ts}) AS {Sql.Quote(SystemColumns.End)}",
            $"CAST(NOT {isDeleted} AS {dialect.SqlType(active)}) AS {Sql.Quote(SystemColumns.Active)}",
        ]);
        Rebuild(table, $"SELECT {string.Join(", ", select)} FROM {t}");
        catalog.Save(session, table.With([.. kept, start, end, active]));
    }

    /// <summary>Keeps only the latest version of each key, flags it deleted unless it was active, drops the history columns (a rebuild).</summary>
    private void HistoryToSoftDelete(TableDefinition table, string deletedColumn)
    {
        if (!table.IsHistoryMode)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} is not in history mode.");
        }

        var t = catalog.PhysicalName(table);
        var key = table.RecordKey;
        var start = Sql.Quote(SystemColumns.Start);
        var history = new[] { SystemColumns.Start, SystemColumns.End, SystemColumns.Active };
        var kept = table.Columns.Where(c => c.Name != deletedColumn && !history.Contains(c.Name)).Select(c => c.Name == SystemColumns.Start ? c : c).ToList();
        var deleted = table.Find(deletedColumn) ?? new ColumnDefinition(deletedColumn, DataType.Boolean, false, null, null, null);
        var latest = key.Count == 0 ? "TRUE"
            : $"m.{start} = (SELECT MAX(x.{start}) FROM {t} AS x WHERE {Sql.KeyJoin(key, "x", k => "m." + Sql.Quote(k.Name))})";
        var select = kept.Select(c => "m." + Sql.Quote(c.Name))
            .Append($"CAST(NOT COALESCE(m.{Sql.Quote(SystemColumns.Active)}, FALSE) AS {dialect.SqlType(deleted)}) AS {Sql.Quote(deletedColumn)}");
        Rebuild(table, $"SELECT {string.Join(", ", select)} FROM {t} AS m WHERE {latest}");
        catalog.Save(session, table.With([.. kept, deleted with { PrimaryKey = false }]));
    }

    /// <summary>Replaces the table's rows and columns with a query's result, under the same name.</summary>
    private void Rebuild(TableDefinition table, string query)
    {
        var t = catalog.PhysicalName(table);
        var temporaryName = "__ch_rebuild_" + Guid.NewGuid().ToString("N");
        var temporary = catalog.PhysicalName(table.Schema, temporaryName);
        session.Execute($"CREATE TABLE {temporary} AS {query}");
        session.Execute($"DROP TABLE {t}");
        session.Execute($"ALTER TABLE {temporary} RENAME TO {Sql.Quote(table.Name)}");
    }
}
