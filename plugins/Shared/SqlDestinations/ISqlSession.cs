namespace SqlDestinations;

/// <summary>
/// One open transaction on the destination database. Statements use positional parameters <c>$1, $2, …</c>;
/// arguments are bound in order (strings, numbers, booleans, null).
/// </summary>
internal interface ISqlSession
{
    int Execute(string sql, params object?[] args);

    object? Scalar(string sql, params object?[] args);

    List<object?[]> Query(string sql, params object?[] args);
}

/// <summary>What differs between SQL engines: physical types, name rules, and bulk loading.</summary>
internal interface ISqlDialect
{
    /// <summary>The schema holding the catalog of Fivetran types, keys and column order.</summary>
    string CatalogSchema { get; }

    /// <summary>A physical schema name as SQL must write it (quoted, and qualified where the engine needs it).</summary>
    string QuoteSchema(string physicalSchema);

    /// <summary>The engine's schema for a Fivetran schema.</summary>
    string PhysicalSchema(string schema);

    /// <summary>The column type that holds a Fivetran type exactly.</summary>
    string SqlType(ColumnDefinition column);

    /// <summary>Rejects names the engine cannot hold (e.g. too long), with a clear message.</summary>
    void ValidateName(string name, string what);

    /// <summary>
    /// Called whenever a table's definition is saved (created, altered, renamed, copied, migrated): lets the engine
    /// keep a lookup index on the record key in step with the catalog.
    /// </summary>
    void TableSaved(ISqlSession session, string physicalName, TableDefinition table);

    /// <summary>
    /// Before a bulk insert into an empty table: drops the lookup index <see cref="TableSaved"/> keeps, since building
    /// it once afterwards is cheaper than maintaining it row by row. Answers whether one was dropped (then the caller
    /// calls <see cref="TableSaved"/> after the insert, in the same transaction).
    /// </summary>
    bool DropKeyIndex(ISqlSession session, TableDefinition table);

    /// <summary>
    /// Whether a replace file for this table can stream straight into it (when empty) with
    /// <see cref="LoadDirect"/>. The caller keeps such a load only if the file's keys proved distinct; otherwise it
    /// undoes it and stages the file: <see cref="BeginDirectLoad"/>, then <see cref="KeepDirectLoad"/> or
    /// <see cref="UndoDirectLoad"/>.
    /// </summary>
    bool CanLoadDirect(TableDefinition table);

    /// <summary>Marks the point a direct load can be undone to (a savepoint where the engine has them).</summary>
    void BeginDirectLoad(ISqlSession session);

    /// <summary>Undoes a direct load (and anything since <see cref="BeginDirectLoad"/>) into a table that was empty before it.</summary>
    void UndoDirectLoad(ISqlSession session, string physicalName);

    /// <summary>Keeps a direct load.</summary>
    void KeepDirectLoad(ISqlSession session);

    /// <summary>Streams a replace file into the table itself (no staging), feeding <paramref name="keyOrder"/>; answers the rows loaded.</summary>
    long LoadDirect(ISqlSession session, TableDefinition table, ConnectorHost.Abstractions.BatchFiles.BatchFileReader reader, string physicalName, KeyOrderProof keyOrder);

    /// <summary>How SQL names a staging table.</summary>
    string StageReference(string stageName);

    /// <summary>Loads one batch file into a new staging table inside the session's transaction.</summary>
    StagedFile Stage(ISqlSession session, TableDefinition table, ConnectorHost.Abstractions.BatchFiles.BatchFileReader reader, StageKind kind, string stageName);
}

internal enum StageKind
{
    /// <summary>Every cell a value or NULL.</summary>
    Replace,

    /// <summary>Non-key cells may be unmodified: each gets a "modified" flag column.</summary>
    Update,

    /// <summary>Keys (and, in history mode, the end time); other cells ignored.</summary>
    Delete,
}

/// <summary>
/// A staged file: the staging table (as SQL names it), and for each table column present in the file its staging
/// column. <c>KeysIncreasing</c> / <c>KeysAndStartIncreasing</c>: proven while staging (see <see cref="KeyOrderProof"/>)
/// that no record key / no key and start time occurs twice.
/// </summary>
internal sealed record StagedFile(string Table, IReadOnlyDictionary<string, StagedColumn> Columns, long Rows, bool KeysIncreasing = false, bool KeysAndStartIncreasing = false);

/// <summary>A staging column (<c>Value</c>) and, for update files, its modified flag (<c>Flag</c>, null for keys).</summary>
internal sealed record StagedColumn(ColumnDefinition Column, string Value, string? Flag, string? CastTo = null)
{
    /// <summary>The staged value as the column's type, read through <paramref name="alias"/>.</summary>
    public string Read(string alias) => CastTo is null ? $"{alias}.{Sql.Quote(Value)}" : $"CAST({alias}.{Sql.Quote(Value)} AS {CastTo})";
}
