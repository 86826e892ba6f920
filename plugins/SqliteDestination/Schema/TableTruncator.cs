using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Schema;

/// <summary>Truncate: rows synced before the cutoff are deleted, or (soft) flagged in the deleted column.</summary>
internal static class TableTruncator
{
    public static int Truncate(SqliteConnection connection, TableDefinition table, TruncateRequest request)
    {
        var syncedName = string.IsNullOrEmpty(request.SyncedColumn) ? SystemColumns.Synced : request.SyncedColumn;
        var synced = table.Require(syncedName);
        // Millisecond precision, in the same fixed layout as stored UTC values so text order is time order.
        var cutoff = StorageFormat.FormatUtc(CutOff(table, request.UtcDeleteBefore));
        var where = $"{Sql.Quote(synced.PhysicalName)} < @p0";
        if (request.Soft is null)
        {
            return connection.Execute($"DELETE FROM {Sql.Quote(table.PhysicalName)} WHERE {where}", cutoff);
        }

        var deletedName = string.IsNullOrEmpty(request.Soft.DeletedColumn) ? SystemColumns.Deleted : request.Soft.DeletedColumn;
        var deleted = table.Find(deletedName);
        if (deleted is null)
        {
            // Fivetran names the column to flag; a table created without it gets it, as it would on a later AlterTable.
            deleted = TableCatalog.AssignPhysicalNames(
                [new ColumnDefinition(deletedName, deletedName, DataType.Boolean, false, null, null, null)],
                table.Columns.Select(c => c.PhysicalName)).Single();
            connection.Execute($"ALTER TABLE {Sql.Quote(table.PhysicalName)} ADD COLUMN {Sql.Quote(deleted.PhysicalName)} INTEGER");
            TableCatalog.SaveColumns(connection, table.With([.. table.Columns, deleted]));
        }

        return connection.Execute($"UPDATE {Sql.Quote(table.PhysicalName)} SET {Sql.Quote(deleted.PhysicalName)} = 1 WHERE {where}", cutoff);
    }

    /// <summary>utc_delete_before as an instant, truncated to the millisecond; out of the Timestamp range (years 1 to 9999) is INVALID_ARGUMENT.</summary>
    private static DateTime CutOff(TableDefinition table, Google.Protobuf.WellKnownTypes.Timestamp? timestamp)
    {
        if (timestamp is null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Truncate of {table.DisplayName} has no utc_delete_before.");
        }

        // The protobuf Timestamp's valid range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
        const long minSeconds = -62_135_596_800;
        const long maxSeconds = 253_402_300_799;
        if (timestamp.Seconds is < minSeconds or > maxSeconds || timestamp.Nanos is < 0 or > 999_999_999)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"Truncate of {table.DisplayName}: utc_delete_before (seconds {timestamp.Seconds}, nanos {timestamp.Nanos}) is out of range; it must be an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.");
        }

        return DateTime.UnixEpoch.AddTicks(timestamp.Seconds * TimeSpan.TicksPerSecond + timestamp.Nanos / 1_000_000 * TimeSpan.TicksPerMillisecond);
    }
}
