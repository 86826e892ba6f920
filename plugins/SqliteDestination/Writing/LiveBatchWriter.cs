using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;

namespace SqliteDestination.Writing;

/// <summary>
/// WriteBatch: replace files upsert whole rows, update files change only modified cells, delete files remove rows
/// by key. Every statement is prepared once per file and reused per row; the caller owns the transaction.
/// </summary>
internal static class LiveBatchWriter
{
    public static void Write(SqliteConnection connection, TableDefinition table, WriteBatchRequest request, BatchProgress progress)
    {
        var keys = request.Keys;
        foreach (var path in request.ReplaceFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "replace");
            Upsert(connection, table, file, progress);
        }

        foreach (var path in request.UpdateFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "update");
            Update(connection, table, file, progress);
        }

        foreach (var path in request.DeleteFiles)
        {
            using var file = BatchFile.Open(path, request.FileParams, keys, table, progress, "delete");
            Delete(connection, table, table.StorageKey, file, progress);
        }
    }

    /// <summary>Inserts each row, or overwrites the row with the same key (so the last row of a key in a file wins).</summary>
    public static void Upsert(SqliteConnection connection, TableDefinition table, BatchFile file, BatchProgress progress)
    {
        var key = table.StorageKey;
        foreach (var k in key)
        {
            file.RequireOrdinal(k);
        }

        var names = Sql.QuoteList(file.Columns.Select(c => c.PhysicalName));
        var values = string.Join(", ", Enumerable.Range(1, file.Columns.Count).Select(i => "?" + i));
        var sql = $"INSERT INTO {Sql.Quote(table.PhysicalName)} ({names}) VALUES ({values})";
        if (key.Count > 0)
        {
            var others = file.Columns.Where(c => !key.Contains(c)).ToList();
            sql += $" ON CONFLICT ({Sql.QuoteList(key.Select(k => k.PhysicalName))}) DO "
                + (others.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", others.Select(c => $"{Sql.Quote(c.PhysicalName)} = excluded.{Sql.Quote(c.PhysicalName)}")));
        }

        using var statement = new RawStatement(connection, sql);
        var reader = file.Reader;
        var columns = file.Columns;
        var isKey = columns.Select(key.Contains).ToArray();
        while (reader.Read())
        {
            for (var i = 0; i < columns.Count; i++)
            {
                // A NULL key cell is refused by name (SQLite's NOT NULL error would not say which file column).
                if (isKey[i])
                {
                    CellBinder.BindKey(statement, i + 1, reader, i, columns[i]);
                }
                else
                {
                    CellBinder.BindValueOrNull(statement, i + 1, reader, i, columns[i], "replace");
                }
            }

            Execute(statement, file);
            progress.RowApplied(file);
        }
    }

    /// <summary>Changes only the modified cells of the row with the row's key; a missing row is left missing.</summary>
    private static void Update(SqliteConnection connection, TableDefinition table, BatchFile file, BatchProgress progress)
    {
        var key = RequireKey(table, table.StorageKey);
        var keyOrdinals = key.Select(file.RequireOrdinal).ToArray();
        var settable = Enumerable.Range(0, file.Columns.Count).Where(i => !key.Contains(file.Columns[i])).ToArray();
        if (settable.Length == 0)
        {
            return; // only key columns: nothing can change
        }

        // One prepared statement per combination of modified columns (rows of a file mostly share a few), so SQLite
        // only evaluates and writes what changes. Past 64 columns, or too many combinations, a single statement
        // where a flag parameter per column chooses the new value or the stored one.
        using var statements = new UpdateStatements(connection, table, file, key, settable);
        var reader = file.Reader;
        while (reader.Read())
        {
            var mask = 0UL;
            if (settable.Length <= 64)
            {
                for (var s = 0; s < settable.Length; s++)
                {
                    if (reader.GetState(settable[s]) != CellState.Unmodified)
                    {
                        mask |= 1UL << s;
                    }
                }

                if (mask == 0)
                {
                    continue; // nothing modified in this row
                }
            }

            var (statement, byMask) = statements.For(mask);
            var p = 0;
            for (var s = 0; s < settable.Length; s++)
            {
                var i = settable[s];
                var state = reader.GetState(i);
                if (byMask)
                {
                    if (state == CellState.Unmodified)
                    {
                        continue;
                    }
                }
                else
                {
                    statement.BindInt64(++p, state == CellState.Unmodified ? 0 : 1);
                }

                ++p;
                if (state == CellState.Value)
                {
                    CellBinder.Bind(statement, p, reader, i, file.Columns[i]);
                }
                else
                {
                    statement.BindNull(p);
                }
            }

            for (var k = 0; k < key.Count; k++)
            {
                CellBinder.BindKey(statement, ++p, reader, keyOrdinals[k], key[k]);
            }

            Execute(statement, file);
            progress.RowApplied(file);
        }
    }

    /// <summary>The prepared UPDATE statements of one update file.</summary>
    private sealed class UpdateStatements : IDisposable
    {
        private const int MaxCombinations = 32;
        private readonly SqliteConnection _connection;
        private readonly TableDefinition _table;
        private readonly BatchFile _file;
        private readonly IReadOnlyList<ColumnDefinition> _key;
        private readonly int[] _settable;
        private readonly Dictionary<ulong, RawStatement> _byMask = new();
        private RawStatement? _flagged;

        public UpdateStatements(SqliteConnection connection, TableDefinition table, BatchFile file, IReadOnlyList<ColumnDefinition> key, int[] settable)
        {
            _connection = connection;
            _table = table;
            _file = file;
            _key = key;
            _settable = settable;
        }

        public (RawStatement Statement, bool ByMask) For(ulong mask)
        {
            if (_settable.Length <= 64)
            {
                if (_byMask.TryGetValue(mask, out var existing))
                {
                    return (existing, true);
                }

                if (_byMask.Count < MaxCombinations)
                {
                    var parameter = 0;
                    var assignments = new List<string>();
                    for (var s = 0; s < _settable.Length; s++)
                    {
                        if ((mask & (1UL << s)) != 0)
                        {
                            assignments.Add($"{Sql.Quote(_file.Columns[_settable[s]].PhysicalName)} = ?{++parameter}");
                        }
                    }

                    var statement = new RawStatement(_connection, $"UPDATE {Sql.Quote(_table.PhysicalName)} SET {string.Join(", ", assignments)} WHERE {Conditions(parameter)}");
                    _byMask[mask] = statement;
                    return (statement, true);
                }
            }

            if (_flagged is null)
            {
                var parameter = 0;
                var assignments = _settable.Select(i =>
                {
                    var name = Sql.Quote(_file.Columns[i].PhysicalName);
                    var flag = ++parameter;
                    var value = ++parameter;
                    return $"{name} = CASE WHEN ?{flag} THEN ?{value} ELSE {name} END";
                }).ToList();
                _flagged = new RawStatement(_connection, $"UPDATE {Sql.Quote(_table.PhysicalName)} SET {string.Join(", ", assignments)} WHERE {Conditions(parameter)}");
            }

            return (_flagged, false);
        }

        private string Conditions(int lastParameter) =>
            string.Join(" AND ", _key.Select((k, i) => $"{Sql.Quote(k.PhysicalName)} = ?{lastParameter + i + 1}"));

        public void Dispose()
        {
            foreach (var statement in _byMask.Values)
            {
                statement.Dispose();
            }

            _flagged?.Dispose();
        }
    }

    /// <summary>Removes the rows with each key; keys that are not there are ignored.</summary>
    public static void Delete(SqliteConnection connection, TableDefinition table, IReadOnlyList<ColumnDefinition> key, BatchFile file, BatchProgress progress)
    {
        RequireKey(table, key);
        var keyOrdinals = key.Select(file.RequireOrdinal).ToArray();
        var conditions = key.Select((k, i) => $"{Sql.Quote(k.PhysicalName)} = ?{i + 1}");
        using var statement = new RawStatement(connection, $"DELETE FROM {Sql.Quote(table.PhysicalName)} WHERE {string.Join(" AND ", conditions)}");
        var reader = file.Reader;
        while (reader.Read())
        {
            for (var k = 0; k < key.Count; k++)
            {
                CellBinder.BindKey(statement, k + 1, reader, keyOrdinals[k], key[k]);
            }

            Execute(statement, file);
            progress.RowApplied(file);
        }
    }

    internal static IReadOnlyList<ColumnDefinition> RequireKey(TableDefinition table, IReadOnlyList<ColumnDefinition> key) =>
        key.Count > 0
            ? key
            : throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} has no primary key (not even _fivetran_id), so rows cannot be matched for update or delete.");

    /// <summary>Executes the row's statement; returns the number of rows it changed.</summary>
    internal static int Execute(RawStatement statement, BatchFile file)
    {
        try
        {
            return statement.Execute();
        }
        catch (SqliteException ex)
        {
            throw file.RowFailure(ex);
        }
    }
}
