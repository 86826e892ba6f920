using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Schema;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Migration;

/// <summary>The schema-migration guide's operations, each inside the caller's transaction.</summary>
internal static class Migrator
{
    /// <summary>Applies the migration; false when it is one this destination does not support (the LIVE sync modes).</summary>
    public static bool Migrate(SqliteConnection connection, MigrationDetails details)
    {
        var schema = details.Schema;
        switch (details.OperationCase)
        {
            case MigrationDetails.OperationOneofCase.Drop when details.Drop.EntityCase == DropOperation.EntityOneofCase.DropTable:
                if (details.Drop.DropTable && TableCatalog.Find(connection, schema, details.Table) is { } dropped)
                {
                    TableCatalog.Drop(connection, dropped);
                }

                return true;
            case MigrationDetails.OperationOneofCase.Drop when details.Drop.EntityCase == DropOperation.EntityOneofCase.DropColumnInHistoryMode:
                DropColumnInHistoryMode(connection, Require(connection, schema, details.Table), details.Drop.DropColumnInHistoryMode);
                return true;
            case MigrationDetails.OperationOneofCase.Copy:
                Copy(connection, details);
                return true;
            case MigrationDetails.OperationOneofCase.Rename:
                Rename(connection, details);
                return true;
            case MigrationDetails.OperationOneofCase.Add when details.Add.EntityCase == AddOperation.EntityOneofCase.AddColumnWithDefaultValue:
                var add = details.Add.AddColumnWithDefaultValue;
                AddColumnWithDefault(connection, Require(connection, schema, details.Table), add.Column, add.ColumnType, add.DefaultValue);
                return true;
            case MigrationDetails.OperationOneofCase.Add when details.Add.EntityCase == AddOperation.EntityOneofCase.AddColumnInHistoryMode:
                AddColumnInHistoryMode(connection, Require(connection, schema, details.Table), details.Add.AddColumnInHistoryMode);
                return true;
            case MigrationDetails.OperationOneofCase.UpdateColumnValue:
                var update = details.UpdateColumnValue;
                var table = Require(connection, schema, details.Table);
                var column = table.Require(update.Column);
                connection.Execute($"UPDATE {Sql.Quote(table.PhysicalName)} SET {Sql.Quote(column.PhysicalName)} = @p0", ParseValue(table, column.Name, column.Type, update.Value, nullWord: true));
                return true;
            case MigrationDetails.OperationOneofCase.TableSyncModeMigration:
                return SyncModeMigration(connection, Require(connection, schema, details.Table), details.TableSyncModeMigration);
            default:
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Migration of {schema}.{details.Table} names no operation ({details.OperationCase}).");
        }
    }

    private static TableDefinition Require(SqliteConnection connection, string schema, string table) =>
        TableCatalog.Require(connection, schema, table);

    private static void Copy(SqliteConnection connection, MigrationDetails details)
    {
        var schema = details.Schema;
        switch (details.Copy.EntityCase)
        {
            case CopyOperation.EntityOneofCase.CopyTable:
                var from = Require(connection, schema, Or(details.Copy.CopyTable.FromTable, details.Table));
                var copy = TableCatalog.Create(connection, schema, details.Copy.CopyTable.ToTable, from.Columns);
                var columns = Sql.QuoteList(from.Columns.Select(c => c.PhysicalName));
                connection.Execute($"INSERT INTO {Sql.Quote(copy.PhysicalName)} ({Sql.QuoteList(copy.Columns.Select(c => c.PhysicalName))}) SELECT {columns} FROM {Sql.Quote(from.PhysicalName)}");
                break;
            case CopyOperation.EntityOneofCase.CopyColumn:
                var table = Require(connection, schema, details.Table);
                var source = table.Require(details.Copy.CopyColumn.FromColumn);
                var (withColumn, target) = AddColumn(connection, table, source with { Name = details.Copy.CopyColumn.ToColumn, PrimaryKey = false });
                connection.Execute($"UPDATE {Sql.Quote(withColumn.PhysicalName)} SET {Sql.Quote(target.PhysicalName)} = {Sql.Quote(source.PhysicalName)}");
                break;
            case CopyOperation.EntityOneofCase.CopyTableToHistoryMode:
                var op = details.Copy.CopyTableToHistoryMode;
                var original = Require(connection, schema, Or(op.FromTable, details.Table));
                var created = TableCatalog.Create(connection, schema, op.ToTable, original.Columns);
                connection.Execute($"INSERT INTO {Sql.Quote(created.PhysicalName)} SELECT {Sql.QuoteList(original.Columns.Select(c => c.PhysicalName))} FROM {Sql.Quote(original.PhysicalName)}");
                SoftDeleteToHistory(connection, created, op.SoftDeletedColumn);
                break;
            default:
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Copy migration of {schema}.{details.Table} names nothing to copy.");
        }
    }

    private static void Rename(SqliteConnection connection, MigrationDetails details)
    {
        var schema = details.Schema;
        switch (details.Rename.EntityCase)
        {
            case RenameOperation.EntityOneofCase.RenameTable:
                var from = Require(connection, schema, Or(details.Rename.RenameTable.FromTable, details.Table));
                TableCatalog.Rename(connection, from, details.Rename.RenameTable.ToTable);
                break;
            case RenameOperation.EntityOneofCase.RenameColumn:
                var table = Require(connection, schema, details.Table);
                var op = details.Rename.RenameColumn;
                var column = table.Require(op.FromColumn);
                Sql.RequireName(op.ToColumn, "column");
                if (table.Find(op.ToColumn) is not null)
                {
                    throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.DisplayName} already has a column '{op.ToColumn}'.");
                }

                var renamed = TableCatalog.AssignPhysicalNames([column with { Name = op.ToColumn }], table.Columns.Where(c => c != column).Select(c => c.PhysicalName)).Single();
                if (renamed.PhysicalName != column.PhysicalName)
                {
                    connection.Execute($"ALTER TABLE {Sql.Quote(table.PhysicalName)} RENAME COLUMN {Sql.Quote(column.PhysicalName)} TO {Sql.Quote(renamed.PhysicalName)}");
                }

                TableCatalog.SaveColumns(connection, table.With(table.Columns.Select(c => c == column ? renamed : c).ToList()));
                break;
            default:
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Rename migration of {schema}.{details.Table} names nothing to rename.");
        }
    }

    private static void AddColumnWithDefault(SqliteConnection connection, TableDefinition table, string name, DataType type, string defaultValue)
    {
        var value = ParseValue(table, name, type, defaultValue, nullWord: false);
        var column = table.Find(name);
        if (column is null)
        {
            (table, column) = AddColumn(connection, table, new ColumnDefinition(name, name, type, false, null, null, null));
        }

        // Also when the column already existed: every existing row gets the default (per the guide).
        connection.Execute($"UPDATE {Sql.Quote(table.PhysicalName)} SET {Sql.Quote(column.PhysicalName)} = @p0", value);
    }

    private static void AddColumnInHistoryMode(SqliteConnection connection, TableDefinition table, AddColumnInHistoryMode op)
    {
        RequireHistoryMode(table);
        var value = ParseValue(table, op.Column, op.ColumnType, op.DefaultValue, nullWord: false);
        var timestamp = ParseTimestamp(table, op.OperationTimestamp);
        var column = table.Find(op.Column);
        if (column is null)
        {
            (table, column) = AddColumn(connection, table, new ColumnDefinition(op.Column, op.Column, op.ColumnType, false, null, null, null));
        }

        RecordColumnChangeHistory(connection, table, column, value, timestamp, onlyWhereColumnNotNull: false);
    }

    private static void DropColumnInHistoryMode(SqliteConnection connection, TableDefinition table, DropColumnInHistoryMode op)
    {
        RequireHistoryMode(table);
        var column = table.Require(op.Column);
        var timestamp = ParseTimestamp(table, op.OperationTimestamp);
        // The column stays: earlier versions keep their values, the new versions hold NULL.
        RecordColumnChangeHistory(connection, table, column, null, timestamp, onlyWhereColumnNotNull: true);
    }

    /// <summary>
    /// History of a DDL change: each active version (started before the operation) is copied into a new version
    /// starting at the operation time with the column set to <paramref name="value"/>, and is closed at time − 1 ms.
    /// </summary>
    private static void RecordColumnChangeHistory(SqliteConnection connection, TableDefinition table, ColumnDefinition column, object? value, string timestamp, bool onlyWhereColumnNotNull)
    {
        var t = Sql.Quote(table.PhysicalName);
        var start = Sql.Quote(table.Require(SystemColumns.Start).PhysicalName);
        var end = Sql.Quote(table.Require(SystemColumns.End).PhysicalName);
        var active = Sql.Quote(table.Require(SystemColumns.Active).PhysicalName);
        var target = Sql.Quote(column.PhysicalName);
        if (connection.Scalar($"SELECT 1 FROM {t} LIMIT 1") is null)
        {
            return; // an empty table has no history to keep
        }

        var latestActive = connection.Scalar($"SELECT MAX({start}) FROM {t} WHERE {active} = 1") as string;
        if (latestActive is not null && string.CompareOrdinal(latestActive, timestamp) > 0)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition,
                $"Cannot record the change of column '{column.Name}' in {table.DisplayName} at {timestamp}: an active version starts later ({latestActive}).");
        }

        var filter = $"{active} = 1 AND {start} < @p1" + (onlyWhereColumnNotNull ? $" AND {target} IS NOT NULL" : "");
        var selects = table.Columns.Select(c =>
            c == column ? "@p0" : c.Name == SystemColumns.Start ? "@p1" : Sql.Quote(c.PhysicalName));
        connection.Execute($"INSERT INTO {t} ({Sql.QuoteList(table.Columns.Select(c => c.PhysicalName))}) SELECT {string.Join(", ", selects)} FROM {t} WHERE {filter}", value, timestamp);
        connection.Execute($"UPDATE {t} SET {target} = @p0 WHERE {start} = @p1", value, timestamp);
        connection.Execute($"UPDATE {t} SET {end} = @p0, {active} = 0 WHERE {filter}", MinusOneMillisecond(timestamp), timestamp);
    }

    private static bool SyncModeMigration(SqliteConnection connection, TableDefinition table, TableSyncModeMigrationOperation op)
    {
        switch (op.Type)
        {
            case TableSyncModeMigrationType.SoftDeleteToHistory:
                SoftDeleteToHistory(connection, table, op.HasSoftDeletedColumn ? op.SoftDeletedColumn : SystemColumns.Deleted);
                return true;
            case TableSyncModeMigrationType.HistoryToSoftDelete:
                HistoryToSoftDelete(connection, table, op.HasSoftDeletedColumn && op.SoftDeletedColumn.Length > 0 ? op.SoftDeletedColumn : SystemColumns.Deleted);
                return true;
            default:
                return false; // the LIVE sync modes are not available in the Partner SDK
        }
    }

    /// <summary>
    /// Adds _fivetran_start (key) / _fivetran_end / _fivetran_active: soft-deleted rows become closed versions at the
    /// minimum timestamp, the others active versions starting at the table's latest sync; _fivetran_deleted goes.
    /// </summary>
    private static void SoftDeleteToHistory(SqliteConnection connection, TableDefinition table, string? softDeletedColumn)
    {
        if (table.IsHistoryMode)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} is already in history mode.");
        }

        var deleted = string.IsNullOrEmpty(softDeletedColumn) ? null : table.Find(softDeletedColumn);
        var synced = table.Find(SystemColumns.Synced);
        var latestSync = synced is null ? null : connection.Scalar($"SELECT MAX({Sql.Quote(synced.PhysicalName)}) FROM {Sql.Quote(table.PhysicalName)}") as string;
        latestSync ??= StorageFormat.FormatUtc(DateTime.UtcNow);

        var kept = table.Columns.Where(c => c.Name != SystemColumns.Deleted).ToList();
        var history = TableCatalog.AssignPhysicalNames(
            [
                new ColumnDefinition(SystemColumns.Start, SystemColumns.Start, DataType.UtcDatetime, true, null, null, null),
                new ColumnDefinition(SystemColumns.End, SystemColumns.End, DataType.UtcDatetime, false, null, null, null),
                new ColumnDefinition(SystemColumns.Active, SystemColumns.Active, DataType.Boolean, false, null, null, null),
            ],
            kept.Select(c => c.PhysicalName));
        var target = table.With([.. kept, .. history]);
        var expressions = TableRebuilder.SameColumns(table, target);
        var isDeleted = deleted is null ? "0" : $"COALESCE({Sql.Quote(deleted.PhysicalName)}, 0) = 1";
        expressions[SystemColumns.Active] = $"CASE WHEN {isDeleted} THEN 0 ELSE 1 END";
        expressions[SystemColumns.Start] = $"CASE WHEN {isDeleted} THEN {Literal(StorageFormat.UtcMin)} ELSE {Literal(latestSync)} END";
        expressions[SystemColumns.End] = $"CASE WHEN {isDeleted} THEN {Literal(StorageFormat.UtcMin)} ELSE {Literal(StorageFormat.UtcMax)} END";
        TableRebuilder.Rebuild(connection, table, target, expressions);
    }

    /// <summary>Keeps only the latest version of each key, flags it deleted unless it was active, drops the history columns.</summary>
    private static void HistoryToSoftDelete(SqliteConnection connection, TableDefinition table, string softDeletedColumn)
    {
        RequireHistoryMode(table);
        var historyColumns = new[] { SystemColumns.Start, SystemColumns.End, SystemColumns.Active };
        var kept = table.Columns.Where(c => !historyColumns.Contains(c.Name)).ToList();
        var deleted = kept.FirstOrDefault(c => c.Name == softDeletedColumn);
        if (deleted is null)
        {
            deleted = TableCatalog.AssignPhysicalNames([new ColumnDefinition(softDeletedColumn, softDeletedColumn, DataType.Boolean, false, null, null, null)], kept.Select(c => c.PhysicalName)).Single();
            kept.Add(deleted);
        }

        var target = table.With(kept);
        var expressions = TableRebuilder.SameColumns(table, target);
        var t = Sql.Quote(table.PhysicalName);
        var start = Sql.Quote(table.Require(SystemColumns.Start).PhysicalName);
        var active = Sql.Quote(table.Require(SystemColumns.Active).PhysicalName);
        expressions[softDeletedColumn] = $"CASE WHEN {active} = 1 THEN 0 ELSE 1 END";
        var key = table.RecordKey;
        var sameKey = string.Join(" AND ", key.Select(k => $"latest.{Sql.Quote(k.PhysicalName)} = {t}.{Sql.Quote(k.PhysicalName)}"));
        var where = key.Count == 0 ? null : $"{start} = (SELECT MAX(latest.{start}) FROM {t} AS latest WHERE {sameKey})";
        TableRebuilder.Rebuild(connection, table, target, expressions, where);
    }

    private static (TableDefinition Table, ColumnDefinition Column) AddColumn(SqliteConnection connection, TableDefinition table, ColumnDefinition column)
    {
        Sql.RequireName(column.Name, "column");
        if (table.Find(column.Name) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.DisplayName} already has a column '{column.Name}'.");
        }

        var added = TableCatalog.AssignPhysicalNames([column], table.Columns.Select(c => c.PhysicalName)).Single();
        connection.Execute($"ALTER TABLE {Sql.Quote(table.PhysicalName)} ADD COLUMN {Sql.Quote(added.PhysicalName)} {StorageFormat.Affinity(added.Type)}");
        var updated = table.With([.. table.Columns, added]);
        TableCatalog.SaveColumns(connection, updated);
        return (updated, added);
    }

    private static object? ParseValue(TableDefinition table, string column, DataType type, string? text, bool nullWord)
    {
        if (text is null || (nullWord && text == "NULL"))
        {
            return null;
        }

        if (text.Length == 0 && type is not (DataType.String or DataType.Json or DataType.Xml or DataType.Unspecified))
        {
            return null;
        }

        try
        {
            return StorageFormat.Parse(text, type);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Value '{text}' for column '{column}' of {table.DisplayName} is not a valid {type}: {ex.Message}.");
        }
    }

    private static string ParseTimestamp(TableDefinition table, string text) =>
        (string)ParseValue(table, "operation_timestamp", DataType.UtcDatetime, text, nullWord: false)!
        ?? throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Migration of {table.DisplayName} has no operation_timestamp.");

    private static string MinusOneMillisecond(string utc) =>
        StorageFormat.FormatUtc(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal).AddMilliseconds(-1));

    private static void RequireHistoryMode(TableDefinition table)
    {
        if (!table.IsHistoryMode || table.Find(SystemColumns.End) is null || table.Find(SystemColumns.Active) is null)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} is not in history mode.");
        }
    }

    private static string Or(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
