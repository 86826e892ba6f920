namespace ConnectorHost.Testing.Sync;

/// <summary>What one table saw during a sync: the SYNC PROGRESS row.</summary>
public sealed class TableProgress(string schemaName, string tableName)
{
    public string SchemaName { get; } = schemaName;

    public string TableName { get; } = tableName;

    public long Upserts { get; internal set; }

    public long Updates { get; internal set; }

    public long Deletes { get; internal set; }

    public long Truncates { get; internal set; }

    public long SchemaChanges { get; internal set; }

    /// <summary>Checkpoints that committed rows of this table.</summary>
    public long Checkpoints { get; internal set; }

    /// <summary>Rows the destination has accepted (WriteBatch answered success).</summary>
    public long RowsWritten { get; internal set; }

    public long Records => Upserts + Updates + Deletes;
}

/// <summary>The outcome of one sync, whether it finished or not.</summary>
public sealed class SyncReport
{
    private readonly Dictionary<(string Schema, string Table), TableProgress> _tables = [];

    public IReadOnlyCollection<TableProgress> Tables => _tables.Values;

    public long Checkpoints { get; internal set; }

    public long Records { get; internal set; }

    /// <summary>The state saved by the last accepted checkpoint, or null when none was accepted this sync.</summary>
    public string? SavedState { get; internal set; }

    /// <summary>Records written after the last checkpoint: landed, but a re-run will send them again.</summary>
    public long RecordsAfterLastCheckpoint { get; internal set; }

    public List<string> Warnings { get; } = [];

    /// <summary>A Task the source or destination raised (the sync stopped), or null.</summary>
    public string? Task { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    public TableProgress Table(string schema, string table)
    {
        if (!_tables.TryGetValue((schema, table), out var progress))
        {
            progress = new TableProgress(schema, table);
            _tables.Add((schema, table), progress);
        }

        return progress;
    }
}

/// <summary>Told about a sync as it runs (progress display, logs).</summary>
public interface ISyncObserver
{
    void Step(string message);

    void RecordsRead(long total);

    void BatchWritten(TableProgress table, long rows, TimeSpan elapsed);

    void CheckpointSaved(string stateJson);

    void Warning(string message);
}

/// <summary>A sync that could not go on: the message says which call failed and why.</summary>
public sealed class SyncException(string message, Exception? innerException = null) : Exception(message, innerException);
