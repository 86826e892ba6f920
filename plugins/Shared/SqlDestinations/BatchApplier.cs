using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;

namespace SqlDestinations;

/// <summary>
/// WriteBatch and WriteHistoryBatch: each file is streamed into a staging table (the dialect's bulk path), then
/// applied with set-based SQL, all inside the caller's transaction (a replace file into an empty table may stream
/// straight into it: <see cref="TryLoadIntoEmptyTable"/>). Within a file the last row of a key wins;
/// files apply in the order the contract gives (replace, update, delete; history: earliest-start first).
/// </summary>
internal sealed class BatchApplier(ISqlDialect dialect, TableCatalog catalog, ISqlSession session, TableDefinition table, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, CancellationToken cancellationToken)
{
    private const string RowColumn = "__row";
    private int _stages;

    private string Target => catalog.PhysicalName(table);

    private IReadOnlyList<ColumnDefinition> Key => table.RecordKey;

    public void WriteLive(IEnumerable<string> replace, IEnumerable<string> update, IEnumerable<string> delete)
    {
        if (Key.Count == 0)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition, $"Table {table.DisplayName} has no primary key; rows cannot be matched.");
        }

        foreach (var file in replace)
        {
            if (!TryLoadIntoEmptyTable(file, withStart: false))
            {
                WithStage(file, StageKind.Replace, Replace);
            }
        }

        foreach (var file in update)
        {
            WithStage(file, StageKind.Update, Update);
        }

        foreach (var file in delete)
        {
            WithStage(file, StageKind.Delete, Delete);
        }
    }

    public void WriteHistory(IEnumerable<string> earliest, IEnumerable<string> replace, IEnumerable<string> update, IEnumerable<string> delete)
    {
        if (!table.IsHistoryMode)
        {
            throw new ConnectorException(ConnectorErrorKind.FailedPrecondition,
                $"Table {table.DisplayName} is not in history mode (it has no {SystemColumns.Start}, {SystemColumns.End} and {SystemColumns.Active} columns); WriteHistoryBatch cannot apply to it.");
        }

        foreach (var file in earliest)
        {
            WithStage(file, StageKind.Delete, EarliestStart);
        }

        foreach (var file in replace)
        {
            if (!TryLoadIntoEmptyTable(file, withStart: true))
            {
                WithStage(file, StageKind.Replace, HistoryReplace);
            }
        }

        foreach (var file in update)
        {
            WithStage(file, StageKind.Update, HistoryUpdate);
        }

        foreach (var file in delete)
        {
            WithStage(file, StageKind.Delete, HistoryDelete);
        }
    }

    /// <summary>
    /// The initial-sync path: a replace file into an empty table streams straight into it when the dialect can,
    /// with the key index dropped first and built once at the end. The load is kept only if the file's keys proved
    /// distinct while streaming (<see cref="KeyOrderProof"/>); otherwise the dialect undoes it (PostgreSQL: back to a
    /// savepoint) and the file is read again through a stage, which keeps the last row of each key.
    /// </summary>
    private bool TryLoadIntoEmptyTable(string path, bool withStart)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!dialect.CanLoadDirect(table) || session.Scalar($"SELECT 1 FROM {Target} LIMIT 1") is not null)
        {
            return false;
        }

        using var reader = OpenChecked(path);

        dialect.BeginDirectLoad(session);
        var indexDropped = dialect.DropKeyIndex(session, table);
        var keyOrder = new KeyOrderProof(reader, table);
        Guard(path, () => dialect.LoadDirect(session, table, reader, Target, keyOrder));
        if (!(withStart ? keyOrder.KeysAndStartIncreasing : keyOrder.KeysIncreasing))
        {
            dialect.UndoDirectLoad(session, Target);
            if (indexDropped)
            {
                dialect.TableSaved(session, Target, table); // in case the engine's undo did not bring it back
            }

            return false;
        }

        dialect.KeepDirectLoad(session);
        if (indexDropped)
        {
            dialect.TableSaved(session, Target, table);
        }

        return true;
    }

    /// <summary>Opens a batch file and checks its header names only columns the table has.</summary>
    private BatchFileReader OpenChecked(string path)
    {
        var reader = BatchFileReader.Open(path, fileParams, keys, table.ToProto());
        foreach (var column in reader.Columns)
        {
            if (table.Find(column) is null)
            {
                reader.Dispose();
                throw new BatchFileException(path, $"the header names column '{column}', which table {table.DisplayName} does not have", column: column);
            }
        }

        return reader;
    }

    private void WithStage(string path, StageKind kind, Action<StagedFile> apply)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var name = $"__ch_stage_{Environment.CurrentManagedThreadId}_{++_stages}";
        StagedFile staged;
        using (var reader = OpenChecked(path))
        {
            staged = dialect.Stage(session, table, reader, kind, name);
        }

        if (staged.Rows > 0)
        {
            Guard(path, () => apply(staged));
        }

        // Only on success: after a failure the transaction rolls back (taking the staging table with it), and
        // some engines refuse every statement in a failed transaction.
        session.Execute($"DROP TABLE IF EXISTS {dialect.StageReference(name)}");
    }

    /// <summary>Engine errors while applying a staged file (a value out of a column's range, say) name the file.</summary>
    private static void Guard(string path, Action apply)
    {
        try
        {
            apply();
        }
        catch (ConnectorException)
        {
            throw;
        }
        catch (Exception e) when (e is System.Data.Common.DbException)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Batch file {path} could not be applied: {e.Message}", e);
        }
    }

    private static string Col(StagedFile staged, ColumnDefinition column) => staged.Columns[column.Name].Read("s");

    private string KeyMatch(string alias, StagedFile staged) => Sql.KeyJoin(Key, alias, k => Col(staged, k));

    /// <summary>Whether a key (or key and start time) occurs twice: a hash aggregate, cheaper than ranking every row.</summary>
    private bool HasDuplicates(StagedFile staged, bool withStart)
    {
        if (withStart ? staged.KeysAndStartIncreasing : staged.KeysIncreasing)
        {
            return false;
        }

        var group = Key.Select(k => Sql.Quote(staged.Columns[k.Name].Value)).ToList();
        if (withStart)
        {
            group.Add(Sql.Quote(staged.Columns[SystemColumns.Start].Value));
        }

        return session.Scalar($"SELECT 1 FROM {staged.Table} GROUP BY {string.Join(", ", group)} HAVING COUNT(*) > 1 LIMIT 1") is not null;
    }

    /// <summary>The staged rows, only the last of each key (or of each key and start time).</summary>
    private string LastPerKey(StagedFile staged, bool withStart = false)
    {
        var partition = Key.Select(k => Sql.Quote(staged.Columns[k.Name].Value)).ToList();
        if (withStart)
        {
            partition.Add(Sql.Quote(staged.Columns[SystemColumns.Start].Value));
        }

        return $"(SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {string.Join(", ", partition)} ORDER BY {RowColumn} DESC) AS __rn FROM {staged.Table}) AS ranked WHERE __rn = 1)";
    }

    private void Replace(StagedFile staged)
    {
        var empty = IsLargeLoadIntoEmptyTarget(staged);
        if (!empty)
        {
            session.Execute($"DELETE FROM {Target} AS t USING {staged.Table} AS s WHERE {KeyMatch("t", staged)}");
        }

        InsertStaged(staged, withStart: false, empty);
    }

    /// <summary>
    /// Inserts the staged rows (the last of each key, or key and start time). Into an empty table the dialect's key
    /// index is dropped first and built once after the insert: maintaining it row by row costs more.
    /// </summary>
    private void InsertStaged(StagedFile staged, bool withStart, bool intoEmptyTarget)
    {
        var columns = staged.Columns.Values.ToList();
        var source = HasDuplicates(staged, withStart) ? LastPerKey(staged, withStart) : staged.Table;
        var rebuildIndex = intoEmptyTarget && dialect.DropKeyIndex(session, table);
        session.Execute($"INSERT INTO {Target} ({Sql.QuoteList(columns.Select(c => c.Column.Name))}) SELECT {string.Join(", ", columns.Select(c => c.Read("s")))} FROM {source} AS s");
        if (rebuildIndex)
        {
            dialect.TableSaved(session, Target, table);
        }
    }

    /// <summary>
    /// Whether a replace file is large enough for the empty-table path to pay (below it, dropping and rebuilding the
    /// key index costs more than it saves) and the table holds no row yet, typically the initial sync.
    /// </summary>
    private bool IsLargeLoadIntoEmptyTarget(StagedFile staged) =>
        staged.Rows >= EmptyTargetMinimumRows && session.Scalar($"SELECT 1 FROM {Target} LIMIT 1") is null;

    private const long EmptyTargetMinimumRows = 10_000;

    /// <summary>
    /// Modified cells overwrite, unmodified cells keep the stored value; a key the table lacks is ignored.
    /// Several rows for one key apply in file order, one round per occurrence.
    /// </summary>
    private void Update(StagedFile staged)
    {
        var settable = staged.Columns.Values.Where(c => !Key.Any(k => k.Name == c.Column.Name)).ToList();
        if (settable.Count == 0)
        {
            return;
        }

        var rounds = RoundCount(staged);
        for (var round = 1; round <= rounds; round++)
        {
            var source = rounds == 1 ? staged.Table : Round(staged, round, RowColumn);
            var assignments = settable.Select(c => $"{Sql.Quote(c.Column.Name)} = CASE WHEN s.{Sql.Quote(c.Flag!)} THEN {c.Read("s")} ELSE t.{Sql.Quote(c.Column.Name)} END");
            session.Execute($"UPDATE {Target} AS t SET {string.Join(", ", assignments)} FROM {source} AS s WHERE {KeyMatch("t", staged)}");
        }
    }

    private long RoundCount(StagedFile staged) =>
        Convert.ToInt64(session.Scalar($"SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM {staged.Table} GROUP BY {Sql.QuoteList(Key.Select(k => staged.Columns[k.Name].Value))}) AS counts"),
            System.Globalization.CultureInfo.InvariantCulture);

    private string Round(StagedFile staged, int round, string orderBy) =>
        $"(SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {Sql.QuoteList(Key.Select(k => staged.Columns[k.Name].Value))} ORDER BY {orderBy}) AS __rn FROM {staged.Table}) AS ranked WHERE __rn = {round})";

    private void Delete(StagedFile staged) =>
        session.Execute($"DELETE FROM {Target} AS t USING {staged.Table} AS s WHERE {KeyMatch("t", staged)}");

    private string StartOf(StagedFile staged) => Col(staged, table.Require(SystemColumns.Start));

    /// <summary>
    /// Earliest-start files: versions of the key starting at or after the earliest start go; the latest remaining
    /// version is closed 1 ms before it (if it was active, or its end reached past it).
    /// </summary>
    private void EarliestStart(StagedFile staged)
    {
        var start = Sql.Quote(SystemColumns.Start);
        var end = Sql.Quote(SystemColumns.End);
        var active = Sql.Quote(SystemColumns.Active);
        var keyList = Sql.QuoteList(Key.Select(k => staged.Columns[k.Name].Value));
        var earliest = $"(SELECT {keyList}, MIN({Sql.Quote(staged.Columns[SystemColumns.Start].Value)}) AS __start FROM {staged.Table} GROUP BY {keyList})";
        session.Execute($"DELETE FROM {Target} AS t USING {earliest} AS s WHERE {KeyMatch("t", staged)} AND t.{start} >= s.__start");
        var latest = $"(SELECT {string.Join(", ", Key.Select(k => $"e.{Sql.Quote(staged.Columns[k.Name].Value)}"))}, e.__start, MAX(v.{start}) AS __latest FROM {earliest} AS e JOIN {Target} AS v ON {Sql.KeyJoin(Key, "v", k => "e." + Sql.Quote(staged.Columns[k.Name].Value))} GROUP BY {string.Join(", ", Key.Select(k => $"e.{Sql.Quote(staged.Columns[k.Name].Value)}"))}, e.__start)";
        session.Execute($"UPDATE {Target} AS t SET {active} = FALSE, {end} = s.__start - INTERVAL '1 millisecond' FROM {latest} AS s "
            + $"WHERE {KeyMatch("t", staged)} AND t.{start} = s.__latest AND (t.{active} OR t.{end} >= s.__start)");
    }

    private void HistoryReplace(StagedFile staged)
    {
        var start = Sql.Quote(SystemColumns.Start);
        var empty = IsLargeLoadIntoEmptyTarget(staged);
        if (!empty)
        {
            session.Execute($"DELETE FROM {Target} AS t USING {staged.Table} AS s WHERE {KeyMatch("t", staged)} AND t.{start} = {StartOf(staged)}");
        }

        InsertStaged(staged, withStart: true, empty);
    }

    /// <summary>
    /// Each row a new version: modified cells from the file, the rest from the latest version of the key that
    /// started before it (which may be the previous row of the file, hence rounds in start order). A key with no
    /// earlier version is a record the destination does not have: ignored.
    /// </summary>
    private void HistoryUpdate(StagedFile staged)
    {
        var start = Sql.Quote(SystemColumns.Start);
        var rounds = RoundCount(staged);
        for (var round = 1; round <= rounds; round++)
        {
            var source = Round(staged, round, $"{Sql.Quote(staged.Columns[SystemColumns.Start].Value)}, {RowColumn}");
            session.Execute($"DELETE FROM {Target} AS t USING {source} AS s WHERE {KeyMatch("t", staged)} AND t.{start} = {StartOf(staged)}");
            var values = table.Columns.Select(c =>
            {
                if (!staged.Columns.TryGetValue(c.Name, out var sc))
                {
                    return $"p.{Sql.Quote(c.Name)}";
                }

                return sc.Flag is null ? sc.Read("s") : $"CASE WHEN s.{Sql.Quote(sc.Flag)} THEN {sc.Read("s")} ELSE p.{Sql.Quote(c.Name)} END";
            });
            var previousStart = $"(SELECT MAX(p2.{start}) FROM {Target} AS p2 WHERE {Sql.KeyJoin(Key, "p2", k => Col(staged, k))} AND p2.{start} < {StartOf(staged)})";
            session.Execute($"INSERT INTO {Target} ({Sql.QuoteList(table.Columns.Select(c => c.Name))}) SELECT {string.Join(", ", values)} "
                + $"FROM {source} AS s JOIN {Target} AS p ON {Sql.KeyJoin(Key, "p", k => Col(staged, k))} AND p.{start} = {previousStart}");
        }
    }

    private void HistoryDelete(StagedFile staged)
    {
        var end = table.Require(SystemColumns.End);
        if (!staged.Columns.ContainsKey(end.Name))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"A history delete file for {table.DisplayName} has no {SystemColumns.End} column.");
        }

        session.Execute($"UPDATE {Target} AS t SET {Sql.Quote(SystemColumns.Active)} = FALSE, {Sql.Quote(SystemColumns.End)} = {Col(staged, end)} "
            + $"FROM {LastPerKey(staged)} AS s WHERE {KeyMatch("t", staged)} AND t.{Sql.Quote(SystemColumns.Active)}");
    }
}
