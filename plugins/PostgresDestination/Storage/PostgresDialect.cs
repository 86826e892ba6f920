using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Npgsql;
using NpgsqlTypes;
using SqlDestinations;

namespace PostgresDestination.Storage;

/// <summary>
/// PostgreSQL's types (plain built-ins only, so Citus and other PostgreSQL-compatible engines work), and its bulk
/// path: binary COPY from the decrypted stream into a temporary staging table.
/// </summary>
internal sealed class PostgresDialect(string schemaPrefix) : ISqlDialect
{
    public const int MaxIdentifierBytes = 63;

    public string CatalogSchema => schemaPrefix + "_connectorhost";

    public string PhysicalSchema(string schema) => schemaPrefix + schema;

    public string QuoteSchema(string physicalSchema) => Sql.Quote(physicalSchema);

    public string SqlType(ColumnDefinition column) => column.Type switch
    {
        DataType.Boolean => "boolean",
        DataType.Short => "smallint",
        DataType.Int => "integer",
        DataType.Long => "bigint",
        DataType.Decimal when column.Precision is { } p and > 0 => $"numeric({p},{Math.Min(column.Scale ?? 0, p)})",
        DataType.Decimal => "numeric",
        DataType.Float => "real",
        DataType.Double => "double precision",
        DataType.NaiveDate => "date",
        DataType.NaiveTime => "time",
        DataType.NaiveDatetime => "timestamp",
        DataType.UtcDatetime => "timestamptz",
        DataType.Binary => "bytea",
        DataType.Json => "jsonb",
        _ => "text", // STRING and XML (text keeps any document a source sends; the catalog keeps which)
    };

    public void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name is empty.");
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character, which PostgreSQL cannot store.");
        }

        var physical = what == "schema" ? PhysicalSchema(name) : name;
        if (Encoding.UTF8.GetByteCount(physical) > MaxIdentifierBytes)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"The {what} name '{physical}' is {Encoding.UTF8.GetByteCount(physical)} bytes long; PostgreSQL names hold at most {MaxIdentifierBytes} bytes.");
        }
    }

    /// <summary>
    /// Keeps one plain (non-unique) B-tree index on the record key, named ch_key_*, so a small batch into a big
    /// table looks its keys up instead of scanning the table. Not a constraint: key changes stay cheap and
    /// distributed engines accept it.
    /// </summary>
    public void TableSaved(ISqlSession session, string physicalName, TableDefinition table)
    {
        var schema = PhysicalSchema(table.Schema);
        var existing = KeyIndexes(session, table);
        var wanted = string.Join(",", table.RecordKey.Select(k => k.Name));
        if (existing.Count == 1 && (string?)existing[0][1] == wanted)
        {
            return;
        }

        foreach (var index in existing)
        {
            session.Execute($"DROP INDEX IF EXISTS {Sql.Quote(schema)}.{Sql.Quote((string)index[0]!)}");
        }

        if (table.RecordKey.Count > 0)
        {
            session.Execute($"CREATE INDEX {Sql.Quote("ch_key_" + Guid.NewGuid().ToString("N")[..16])} ON {physicalName} ({Sql.QuoteList(table.RecordKey.Select(k => k.Name))})");
        }
    }

    public bool DropKeyIndex(ISqlSession session, TableDefinition table)
    {
        var schema = PhysicalSchema(table.Schema);
        var existing = KeyIndexes(session, table);
        foreach (var index in existing)
        {
            session.Execute($"DROP INDEX {Sql.Quote(schema)}.{Sql.Quote((string)index[0]!)}");
        }

        return existing.Count > 0;
    }

    /// <summary>The table's ch_key_* indexes: name and comma-separated columns.</summary>
    private List<object?[]> KeyIndexes(ISqlSession session, TableDefinition table) => session.Query(
        "SELECT i.relname, array_to_string(array_agg(a.attname ORDER BY k.ord), ',') FROM pg_index x " +
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace " +
        "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum " +
        "WHERE n.nspname = $1 AND t.relname = $2 AND i.relname LIKE 'ch\\_key\\_%' GROUP BY i.relname",
        PhysicalSchema(table.Schema), table.Name);

    public string StageReference(string stageName) => Sql.Quote(stageName);

    public StagedFile Stage(ISqlSession session, TableDefinition table, BatchFileReader reader, StageKind kind, string stageName)
    {
        var pg = (PostgresSession)session;
        var columns = new Dictionary<string, StagedColumn>(StringComparer.Ordinal);
        var ordinals = new List<(int Ordinal, StagedColumn Staged, NpgsqlDbType Type)>();
        var definitions = new List<string> { "\"__row\" bigint" };
        var flags = new List<string>();
        for (var i = 0; i < reader.Columns.Count; i++)
        {
            var column = table.Require(reader.Columns[i]);
            if (kind == StageKind.Delete && !column.PrimaryKey && column.Name is not (SystemColumns.End or SystemColumns.Synced))
            {
                continue;
            }

            var name = $"c{i}";
            var flag = kind == StageKind.Update && !column.PrimaryKey ? $"m{i}" : null;
            // numeric travels as text (its 1000 digits exceed .NET decimal) and is cast when applied.
            var staged = column.Type == DataType.Decimal ? new StagedColumn(column, name, flag, SqlType(column)) : new StagedColumn(column, name, flag);
            columns[column.Name] = staged;
            ordinals.Add((i, staged, CopyType(column.Type)));
            definitions.Add($"{Sql.Quote(name)} {(column.Type == DataType.Decimal ? "text" : SqlType(column))}");
            if (flag is not null)
            {
                flags.Add($"{Sql.Quote(flag)} boolean");
            }
        }

        session.Execute($"CREATE TEMP TABLE {StageReference(stageName)} ({string.Join(", ", definitions.Concat(flags))}) ON COMMIT DROP");
        var copyColumns = new List<string> { "\"__row\"" };
        copyColumns.AddRange(ordinals.Select(o => Sql.Quote(o.Staged.Value)));
        copyColumns.AddRange(ordinals.Where(o => o.Staged.Flag is not null).Select(o => Sql.Quote(o.Staged.Flag!)));
        var keyOrder = kind == StageKind.Replace ? new KeyOrderProof(reader, table) : null;
        var rows = Copy(pg, $"COPY {StageReference(stageName)} ({string.Join(", ", copyColumns)}) FROM STDIN (FORMAT BINARY)", table, reader, ordinals, numberRows: true, keyOrder);

        // Temporary tables have no statistics until analysed: without them the planner guesses their size.
        session.Execute($"ANALYZE {StageReference(stageName)}");
        return new StagedFile(StageReference(stageName), columns, rows, keyOrder?.KeysIncreasing ?? false, keyOrder?.KeysAndStartIncreasing ?? false);
    }

    /// <summary>
    /// Binary COPY writes numeric in its wire format, which a DECIMAL's text cannot take: tables with a DECIMAL
    /// column stage (decided from the table, so the file is opened once).
    /// </summary>
    public bool CanLoadDirect(TableDefinition table) => table.Columns.All(c => c.Type != DataType.Decimal);

    private const string DirectLoadSavepoint = "ch_direct_load";

    public void BeginDirectLoad(ISqlSession session) => session.Execute($"SAVEPOINT {DirectLoadSavepoint}");

    public void UndoDirectLoad(ISqlSession session, string physicalName) => session.Execute($"ROLLBACK TO SAVEPOINT {DirectLoadSavepoint}");

    public void KeepDirectLoad(ISqlSession session) => session.Execute($"RELEASE SAVEPOINT {DirectLoadSavepoint}");

    public long LoadDirect(ISqlSession session, TableDefinition table, BatchFileReader reader, string physicalName, KeyOrderProof keyOrder)
    {
        var ordinals = reader.Columns.Select((name, i) =>
        {
            var column = table.Require(name);
            return (i, new StagedColumn(column, name, null), CopyType(column.Type));
        }).ToList();
        var command = $"COPY {physicalName} ({Sql.QuoteList(reader.Columns)}) FROM STDIN (FORMAT BINARY)";
        return Copy((PostgresSession)session, command, table, reader, ordinals, numberRows: false, keyOrder);
    }

    /// <summary>
    /// Streams the file's rows through <paramref name="copyCommand"/>: the row number first when
    /// <paramref name="numberRows"/>, then each column, then update files' modified flags.
    /// </summary>
    private static long Copy(PostgresSession pg, string copyCommand, TableDefinition table, BatchFileReader reader,
        IReadOnlyList<(int Ordinal, StagedColumn Staged, NpgsqlDbType Type)> ordinals, bool numberRows, KeyOrderProof? keyOrder)
    {
        long rows = 0;
        var recordKey = table.RecordKey;
        try
        {
            using var importer = pg.Connection.BeginBinaryImport(copyCommand);
            while (reader.Read())
            {
                rows++;
                keyOrder?.Observe();
                importer.StartRow();
                if (numberRows)
                {
                    importer.Write(rows, NpgsqlDbType.Bigint);
                }

                foreach (var (ordinal, staged, type) in ordinals)
                {
                    var state = reader.GetState(ordinal);
                    if (state == CellState.Value)
                    {
                        Write(importer, reader, ordinal, staged.Column.Type, type);
                        continue;
                    }

                    if (state == CellState.Unmodified && staged.Flag is null)
                    {
                        throw BadCell.UnmodifiedOutsideUpdate(reader, staged.Column.Name);
                    }

                    if (state == CellState.Null && recordKey.Contains(staged.Column))
                    {
                        throw BadCell.NullKey(reader, staged.Column.Name);
                    }

                    importer.WriteNull();
                }

                foreach (var (ordinal, staged, _) in ordinals)
                {
                    if (staged.Flag is not null)
                    {
                        importer.Write(reader.GetState(ordinal) != CellState.Unmodified, NpgsqlDbType.Boolean);
                    }
                }
            }

            importer.Complete();
        }
        catch (PostgresException e)
        {
            throw new BatchFileException(reader.FilePath, $"PostgreSQL refused a value while loading the file ({e.MessageText}{(e.Where is { } where ? "; " + where : "")})", reader.RowNumber);
        }

        return rows;
    }

    private static NpgsqlDbType CopyType(DataType type) => type switch
    {
        DataType.Boolean => NpgsqlDbType.Boolean,
        DataType.Short => NpgsqlDbType.Smallint,
        DataType.Int => NpgsqlDbType.Integer,
        DataType.Long => NpgsqlDbType.Bigint,
        DataType.Float => NpgsqlDbType.Real,
        DataType.Double => NpgsqlDbType.Double,
        DataType.NaiveDate => NpgsqlDbType.Date,
        DataType.NaiveTime => NpgsqlDbType.Time,
        DataType.NaiveDatetime => NpgsqlDbType.Timestamp,
        DataType.UtcDatetime => NpgsqlDbType.TimestampTz,
        DataType.Binary => NpgsqlDbType.Bytea,
        DataType.Json => NpgsqlDbType.Jsonb,
        _ => NpgsqlDbType.Text,
    };

    private static void Write(NpgsqlBinaryImporter importer, BatchFileReader reader, int ordinal, DataType type, NpgsqlDbType copyType)
    {
        switch (type)
        {
            case DataType.Boolean: importer.Write(reader.GetBoolean(ordinal), copyType); break;
            case DataType.Short: importer.Write(reader.GetInt16(ordinal), copyType); break;
            case DataType.Int: importer.Write(reader.GetInt32(ordinal), copyType); break;
            case DataType.Long: importer.Write(reader.GetInt64(ordinal), copyType); break;
            case DataType.Float: importer.Write(reader.GetSingle(ordinal), copyType); break;
            case DataType.Double: importer.Write(reader.GetDouble(ordinal), copyType); break;
            case DataType.NaiveDate: importer.Write(reader.GetDate(ordinal), copyType); break;
            case DataType.NaiveTime: importer.Write(reader.GetTime(ordinal), copyType); break;
            case DataType.NaiveDatetime: importer.Write(DateTime.SpecifyKind(reader.GetNaiveDateTime(ordinal), DateTimeKind.Unspecified), copyType); break;
            case DataType.UtcDatetime: importer.Write(reader.GetUtcDateTime(ordinal).UtcDateTime, copyType); break;
            case DataType.Binary: importer.Write(reader.GetBinary(ordinal), copyType); break;
            case DataType.Decimal: importer.Write(reader.GetDecimalString(ordinal), NpgsqlDbType.Text); break;
            case DataType.Json: importer.Write(reader.GetString(ordinal), copyType); break;
            default: importer.Write(reader.GetString(ordinal), copyType); break;
        }
    }
}
