using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Writing;

/// <summary>
/// WriteHistoryBatch, in the guide's order: earliest_start files (remove overlapping versions, close the active
/// version at start − 1 ms), replace files (insert versions), update files (insert versions whose unmodified cells
/// come from the latest earlier version), delete files (close the active version at the file's _fivetran_end).
/// </summary>
internal static class HistoryBatchWriter
{
    public static void Write(SqliteConnection connection, TableDefinition table, WriteHistoryBatchRequest request, BatchProgress progress)
    {
        if (!table.IsHistoryMode || table.Find(SystemColumns.Active) is null || table.Find(SystemColumns.End) is null)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition,
                $"Table {table.DisplayName} is not in history mode: it needs {SystemColumns.Start}, {SystemColumns.End} and {SystemColumns.Active} columns.");
        }

        var key = LiveBatchWriter.RequireKey(table, table.RecordKey);
        var keys = request.Keys;
        foreach (var path in request.EarliestStartFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "earliest_start");
            ApplyEarliestStart(connection, table, key, file, progress);
        }

        foreach (var path in request.ReplaceFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "replace");
            LiveBatchWriter.Upsert(connection, table, file, progress);
        }

        foreach (var path in request.UpdateFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "update");
            InsertUpdatedVersions(connection, table, key, file, progress);
        }

        foreach (var path in request.DeleteFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "delete");
            CloseDeleted(connection, table, key, file, progress);
        }
    }

    private static string KeyCondition(IReadOnlyList<ColumnDefinition> key, int firstParameter) =>
        string.Join(" AND ", key.Select((k, i) => $"{Sql.Quote(k.PhysicalName)} = ?{firstParameter + i}"));

    private static void ApplyEarliestStart(SqliteConnection connection, TableDefinition table, IReadOnlyList<ColumnDefinition> key, BatchFile file, BatchProgress progress)
    {
        var start = table.Require(SystemColumns.Start);
        var end = table.Require(SystemColumns.End);
        var active = table.Require(SystemColumns.Active);
        var keyOrdinals = key.Select(file.RequireOrdinal).ToArray();
        var startOrdinal = file.RequireOrdinal(start);
        var t = Sql.Quote(table.PhysicalName);
        var n = key.Count;
        using var removeOverlapping = new RawStatement(connection,
            $"DELETE FROM {t} WHERE {KeyCondition(key, 1)} AND {Sql.Quote(start.PhysicalName)} >= ?{n + 1}");
        // Close the active version and clip any earlier version whose end reaches past the new start (so a version
        // left behind by the removal above ends at start - 1 ms, as in the guide's worked example); versions that
        // ended earlier (e.g. closed by a delete) keep their end.
        using var closeActive = new RawStatement(connection,
            $"UPDATE {t} SET {Sql.Quote(active.PhysicalName)} = 0, {Sql.Quote(end.PhysicalName)} = ?{n + 1} WHERE {KeyCondition(key, 1)} AND ({Sql.Quote(active.PhysicalName)} = 1 OR {Sql.Quote(end.PhysicalName)} >= ?{n + 2})");

        var reader = file.Reader;
        while (reader.Read())
        {
            if (reader.GetState(startOrdinal) != CellState.Value)
            {
                throw new BatchFileException(reader.FilePath, "an earliest-start row needs a _fivetran_start value", reader.RowNumber, SystemColumns.Start);
            }

            var earliest = reader.GetUtcDateTime(startOrdinal);
            for (var k = 0; k < n; k++)
            {
                CellBinder.BindKey(removeOverlapping, k + 1, reader, keyOrdinals[k], key[k]);
                CellBinder.BindKey(closeActive, k + 1, reader, keyOrdinals[k], key[k]);
            }

            var earliestText = StorageFormat.FormatUtc(earliest);
            removeOverlapping.BindText(n + 1, earliestText);
            closeActive.BindText(n + 1, StorageFormat.FormatUtc(earliest.AddMilliseconds(-1)));
            closeActive.BindText(n + 2, earliestText);
            LiveBatchWriter.Execute(removeOverlapping, file);
            LiveBatchWriter.Execute(closeActive, file);
            progress.RowApplied(file);
        }
    }

    /// <summary>
    /// Each update row becomes a new version: modified cells from the file, the others from the latest version
    /// of the same key that started before it (the one active before this batch, or the previous row of the file).
    /// </summary>
    private static void InsertUpdatedVersions(SqliteConnection connection, TableDefinition table, IReadOnlyList<ColumnDefinition> key, BatchFile file, BatchProgress progress)
    {
        var start = table.Require(SystemColumns.Start);
        var keyOrdinals = key.Select(file.RequireOrdinal).ToArray();
        var startOrdinal = file.RequireOrdinal(start);
        var storageKey = table.StorageKey;
        var t = Sql.Quote(table.PhysicalName);

        var parameter = 0;
        var fileParameters = new Dictionary<int, (int Flag, int Value)>();
        var selects = new List<string>();
        foreach (var column in table.Columns)
        {
            var ordinal = file.OrdinalOf(column);
            var stored = "prev." + Sql.Quote(column.PhysicalName);
            if (ordinal < 0)
            {
                selects.Add(stored);
                continue;
            }

            var flag = ++parameter;
            var value = ++parameter;
            fileParameters[ordinal] = (flag, value);
            selects.Add($"CASE WHEN ?{flag} THEN ?{value} ELSE {stored} END");
        }

        var keyFirst = parameter + 1;
        parameter += key.Count;
        var startParameter = ++parameter;
        // The version this row updates: the latest one starting no later than the row (the same start means that
        // version itself is updated). A record with no such version does not exist here: the guide makes an update
        // of it a no-op, so the INSERT below selects nothing (inner join) rather than building a row from the file's
        // partial cells.
        var previous = $"SELECT * FROM {t} WHERE {KeyCondition(key, keyFirst)} AND {Sql.Quote(start.PhysicalName)} <= ?{startParameter} ORDER BY {Sql.Quote(start.PhysicalName)} DESC LIMIT 1";
        var others = table.Columns.Where(c => !storageKey.Contains(c)).ToList();
        var sql = $"INSERT INTO {t} ({Sql.QuoteList(table.Columns.Select(c => c.PhysicalName))}) "
            + $"SELECT {string.Join(", ", selects)} FROM ({previous}) AS prev WHERE 1 "
            + $"ON CONFLICT ({Sql.QuoteList(storageKey.Select(k => k.PhysicalName))}) DO "
            + (others.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", others.Select(c => $"{Sql.Quote(c.PhysicalName)} = excluded.{Sql.Quote(c.PhysicalName)}")));
        using var statement = new RawStatement(connection, sql);

        var reader = file.Reader;
        while (reader.Read())
        {
            foreach (var (ordinal, (flag, value)) in fileParameters)
            {
                var state = reader.GetState(ordinal);
                statement.BindInt64(flag, state == CellState.Unmodified ? 0 : 1);
                if (state == CellState.Value)
                {
                    CellBinder.Bind(statement, value, reader, ordinal, file.Columns[ordinal]);
                }
                else
                {
                    statement.BindNull(value);
                }
            }

            for (var k = 0; k < key.Count; k++)
            {
                CellBinder.BindKey(statement, keyFirst + k, reader, keyOrdinals[k], key[k]);
            }

            CellBinder.BindKey(statement, startParameter, reader, startOrdinal, start);
            if (LiveBatchWriter.Execute(statement, file) == 0)
            {
                progress.RowSkipped(file, "an update of a record with no version in the table (a no-op)");
            }

            progress.RowApplied(file);
        }
    }

    private static void CloseDeleted(SqliteConnection connection, TableDefinition table, IReadOnlyList<ColumnDefinition> key, BatchFile file, BatchProgress progress)
    {
        var end = table.Require(SystemColumns.End);
        var active = table.Require(SystemColumns.Active);
        var keyOrdinals = key.Select(file.RequireOrdinal).ToArray();
        var endOrdinal = file.RequireOrdinal(end);
        var n = key.Count;
        using var statement = new RawStatement(connection,
            $"UPDATE {Sql.Quote(table.PhysicalName)} SET {Sql.Quote(active.PhysicalName)} = 0, {Sql.Quote(end.PhysicalName)} = ?{n + 1} WHERE {KeyCondition(key, 1)} AND {Sql.Quote(active.PhysicalName)} = 1");
        var reader = file.Reader;
        while (reader.Read())
        {
            for (var k = 0; k < n; k++)
            {
                CellBinder.BindKey(statement, k + 1, reader, keyOrdinals[k], key[k]);
            }

            CellBinder.BindKey(statement, n + 1, reader, endOrdinal, end);
            LiveBatchWriter.Execute(statement, file);
            progress.RowApplied(file);
        }
    }
}
