using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using SqlDestinations;
using FivetranSdk.V2;

namespace DuckDbDestination.Storage;

/// <summary>
/// DuckDB's types, and its bulk paths from the decrypted stream: a replace file into an empty table as a table function
/// read by one INSERT … SELECT (<see cref="DuckDbFileScan"/>), every other file through the appender into a staging table.
/// Names are qualified with the database's catalog name (the file's stem), so a schema that shares it (schema
/// "bench" in bench.duckdb) is not ambiguous.
/// </summary>
internal sealed class DuckDbDialect(string databaseCatalog) : ISqlDialect
{
    public const int MaxDecimalPrecision = 38;

    public string CatalogSchema => "_connectorhost";

    public string PhysicalSchema(string schema) => schema;

    public string QuoteSchema(string physicalSchema) => $"{Sql.Quote(databaseCatalog)}.{Sql.Quote(physicalSchema)}";

    public string SqlType(ColumnDefinition column) => column.Type switch
    {
        DataType.Boolean => "BOOLEAN",
        DataType.Short => "SMALLINT",
        DataType.Int => "INTEGER",
        DataType.Long => "BIGINT",
        DataType.Decimal when column.Precision is { } p and > 0 => $"DECIMAL({Math.Min(p, MaxDecimalPrecision)},{Math.Min(column.Scale ?? 0, Math.Min(p, MaxDecimalPrecision))})",
        DataType.Decimal => "DECIMAL(38,10)",
        DataType.Float => "REAL",
        DataType.Double => "DOUBLE",
        DataType.NaiveDate => "DATE",
        DataType.NaiveTime => "TIME",
        DataType.NaiveDatetime => "TIMESTAMP",
        DataType.UtcDatetime => "TIMESTAMPTZ",
        DataType.Binary => "BLOB",
        _ => "VARCHAR", // STRING, JSON, XML: the catalog keeps which
    };

    public void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name is empty.");
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character.");
        }
    }

    /// <summary>No index: DuckDB's column scans and hash joins match keys fast, and ART indexes slow bulk loads.</summary>
    public void TableSaved(ISqlSession session, string physicalName, TableDefinition table)
    {
    }

    public bool DropKeyIndex(ISqlSession session, TableDefinition table) => false;

    /// <summary>
    /// A replace file into an empty table loads without a stage, through <see cref="DuckDbFileScan"/>. DuckDB has no
    /// savepoints: undoing such a load (its keys did not prove distinct) deletes what it inserted into the table,
    /// which was empty before it, and the file is then staged.
    /// </summary>
    public bool CanLoadDirect(TableDefinition table) => DuckDbFileScan.CanScan(table);

    public void BeginDirectLoad(ISqlSession session)
    {
    }

    public void UndoDirectLoad(ISqlSession session, string physicalName) => session.Execute($"DELETE FROM {physicalName}");

    public void KeepDirectLoad(ISqlSession session)
    {
    }

    public long LoadDirect(ISqlSession session, TableDefinition table, BatchFileReader reader, string physicalName, KeyOrderProof keyOrder) =>
        DuckDbFileScan.Load((DuckDbSession)session, this, table, reader, physicalName, keyOrder);

    public string StageReference(string stageName) => $"temp.main.{Sql.Quote(stageName)}";

    public StagedFile Stage(ISqlSession session, TableDefinition table, BatchFileReader reader, StageKind kind, string stageName)
    {
        var duck = (DuckDbSession)session;
        var columns = new Dictionary<string, StagedColumn>(StringComparer.Ordinal);
        var ordinals = new List<(int Ordinal, StagedColumn Staged)>();
        var definitions = new List<string> { "\"__row\" BIGINT" };
        var flags = new List<string>();
        for (var i = 0; i < reader.Columns.Count; i++)
        {
            var column = table.Require(reader.Columns[i]);
            var isKey = column.PrimaryKey;
            if (kind == StageKind.Delete && !isKey && column.Name is not (SystemColumns.End or SystemColumns.Synced))
            {
                continue;
            }

            var name = $"c{i}";
            var flag = kind == StageKind.Update && !isKey ? $"m{i}" : null;
            // Decimals stage as text (DuckDB's 38 digits exceed .NET decimal) and are cast when applied.
            var staged = column.Type == DataType.Decimal
                ? new StagedColumn(column, name, flag, SqlType(column))
                : new StagedColumn(column, name, flag);
            columns[column.Name] = staged;
            ordinals.Add((i, staged));
            definitions.Add($"{Sql.Quote(name)} {(column.Type == DataType.Decimal ? "VARCHAR" : SqlType(column))}");
            if (flag is not null)
            {
                flags.Add($"{Sql.Quote(flag)} BOOLEAN");
            }
        }

        session.Execute($"CREATE TEMP TABLE {Sql.Quote(stageName)} ({string.Join(", ", definitions.Concat(flags))})");
        long rows = 0;
        var keyOrder = kind == StageKind.Replace ? new KeyOrderProof(reader, table) : null;
        using (var appender = duck.Connection.CreateAppender("temp", "main", stageName))
        {
            var recordKey = table.RecordKey;
            while (reader.Read())
            {
                rows++;
                keyOrder?.Observe();
                var row = appender.CreateRow();
                row.AppendValue(rows);
                foreach (var (ordinal, staged) in ordinals)
                {
                    var state = reader.GetState(ordinal);
                    if (state == CellState.Value)
                    {
                        Append(row, reader, ordinal, staged.Column.Type);
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

                    row.AppendNullValue();
                }

                foreach (var (ordinal, staged) in ordinals)
                {
                    if (staged.Flag is not null)
                    {
                        row.AppendValue((bool?)(reader.GetState(ordinal) != CellState.Unmodified));
                    }
                }

                row.EndRow();
            }
        }

        return new StagedFile(StageReference(stageName), columns, rows, keyOrder?.KeysIncreasing ?? false, keyOrder?.KeysAndStartIncreasing ?? false);
    }

    private static void AppendUtf8(DuckDB.NET.Data.IDuckDBAppenderRow row, BatchFileReader reader, int ordinal)
    {
        var utf8 = StringCells.Utf8Bytes(reader, ordinal);
        if (utf8.IsEmpty)
        {
            row.AppendValue(string.Empty); // an empty span may carry no reference, which the appender reads as NULL
            return;
        }

        // The appender only reads the span (it copies the bytes into its vector); its API takes Span<byte>.
        row.AppendValue(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(utf8), utf8.Length));
    }

    private static void Append(DuckDB.NET.Data.IDuckDBAppenderRow row, BatchFileReader reader, int ordinal, DataType type)
    {
        switch (type)
        {
            case DataType.Boolean: row.AppendValue((bool?)reader.GetBoolean(ordinal)); break;
            case DataType.Short: row.AppendValue((short?)reader.GetInt16(ordinal)); break;
            case DataType.Int: row.AppendValue((int?)reader.GetInt32(ordinal)); break;
            case DataType.Long: row.AppendValue((long?)reader.GetInt64(ordinal)); break;
            case DataType.Float: row.AppendValue((float?)reader.GetSingle(ordinal)); break;
            case DataType.Double: row.AppendValue((double?)reader.GetDouble(ordinal)); break;
            case DataType.Decimal: row.AppendValue(reader.GetDecimalString(ordinal)); break;
            case DataType.NaiveDate: row.AppendValue((DateOnly?)reader.GetDate(ordinal)); break;
            case DataType.NaiveTime: row.AppendValue((TimeOnly?)reader.GetTime(ordinal)); break;
            case DataType.NaiveDatetime: row.AppendValue((DateTime?)reader.GetNaiveDateTime(ordinal)); break;
            case DataType.UtcDatetime: row.AppendValue((DateTimeOffset?)reader.GetUtcDateTime(ordinal)); break;
            case DataType.Binary: row.AppendValue(reader.GetBinary(ordinal)); break;
            case DataType.String: AppendUtf8(row, reader, ordinal); break;
            default: row.AppendValue(reader.GetString(ordinal)); break;
        }
    }
}
