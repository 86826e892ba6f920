using System.Collections;
using System.Runtime.ExceptionServices;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using DuckDB.NET.Data;
using DuckDB.NET.Data.DataChunk.Writer;
using FivetranSdk.V2;
using SqlDestinations;

namespace DuckDbDestination.Storage;

/// <summary>
/// A batch file as a DuckDB table function, so a replace file into an empty table lands with one
/// <c>INSERT … SELECT</c> and no stage: DuckDB pulls the rows as it inserts them and writes row groups to the database
/// file directly (an appender into the table leaves them in the WAL, and the next write pays to checkpoint them).
/// DuckDB runs the function on one of its own threads, one row after the other; a bad cell stops the statement and
/// its <see cref="BatchFileException"/> (file, row, column) is what the caller sees. BINARY columns are not written
/// this way (DuckDB.NET's table functions cannot write BLOBs): such tables stage.
/// </summary>
internal sealed class DuckDbFileScan
{
    private static long s_functions;

    private readonly IReadOnlyList<ColumnDefinition> _columns;
    private readonly IReadOnlyList<ColumnDefinition> _recordKey;
    private readonly KeyOrderProof _keyOrder;
    private BatchFileReader? _reader;
    private Exception? _failure;
    private long _rows;

    private DuckDbFileScan(BatchFileReader reader, TableDefinition table, KeyOrderProof keyOrder)
    {
        _reader = reader;
        _columns = reader.Columns.Select(table.Require).ToList();
        _recordKey = table.RecordKey;
        _keyOrder = keyOrder;
    }

    public static bool CanScan(TableDefinition table) => table.Columns.All(c => c.Type != DataType.Binary);

    /// <summary>Inserts every row of <paramref name="reader"/> into <paramref name="physicalName"/>; returns the row count.</summary>
    public static long Load(DuckDbSession session, DuckDbDialect dialect, TableDefinition table, BatchFileReader reader, string physicalName, KeyOrderProof keyOrder)
    {
        var scan = new DuckDbFileScan(reader, table, keyOrder);
        // Registered on this call's own connection, which is closed after the call; the name only has to be unique on it.
        var function = $"__ch_file_scan_{Interlocked.Increment(ref s_functions)}";
        session.Connection.RegisterTableFunction(function, scan.Bind, scan.Write);
        // Decimals travel as text (DuckDB's 38 digits exceed .NET decimal) and are cast on the way in.
        var values = scan._columns.Select((column, i) => column.Type == DataType.Decimal
            ? $"CAST({Sql.Quote(ColumnName(i))} AS {dialect.SqlType(column)})"
            : Sql.Quote(ColumnName(i)));
        try
        {
            session.Execute($"INSERT INTO {physicalName} ({Sql.QuoteList(reader.Columns)}) SELECT {string.Join(", ", values)} FROM {function}()");
        }
        catch (DuckDBException) when (scan._failure is not null)
        {
            ExceptionDispatchInfo.Capture(scan._failure).Throw();
        }
        finally
        {
            scan._reader = null; // the registration lives as long as the connection; the file does not
        }

        return scan._rows;
    }

    private static string ColumnName(int ordinal) => $"c{ordinal}";

    private TableFunction Bind() =>
        new(_columns.Select((column, i) => new ColumnInfo(ColumnName(i), ClrType(column.Type))).ToList(), Rows());

    private IEnumerable Rows()
    {
        while (Next())
        {
            yield return this;
        }
    }

    private bool Next()
    {
        try
        {
            var reader = _reader ?? throw new InvalidOperationException("The batch file of this scan is closed.");
            if (!reader.Read())
            {
                return false;
            }

            _rows++;
            _keyOrder.Observe();
            return true;
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    private void Write(object? item, IDuckDBDataWriter[] writers, ulong row)
    {
        try
        {
            var reader = _reader!;
            for (var ordinal = 0; ordinal < _columns.Count; ordinal++)
            {
                var column = _columns[ordinal];
                var writer = writers[ordinal];
                switch (reader.GetState(ordinal))
                {
                    case CellState.Value:
                        WriteCell(writer, reader, ordinal, column.Type, row);
                        break;
                    case CellState.Unmodified:
                        throw new BatchFileException(reader.FilePath, $"column '{column.Name}' holds the unmodified marker, which only update files may use for non-key columns", reader.RowNumber, column.Name);
                    default:
                        if (_recordKey.Contains(column))
                        {
                            throw new BatchFileException(reader.FilePath, $"primary-key column '{column.Name}' is NULL", reader.RowNumber, column.Name);
                        }

                        writer.WriteNull(row);
                        break;
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    private static Type ClrType(DataType type) => type switch
    {
        DataType.Boolean => typeof(bool),
        DataType.Short => typeof(short),
        DataType.Int => typeof(int),
        DataType.Long => typeof(long),
        DataType.Float => typeof(float),
        DataType.Double => typeof(double),
        DataType.NaiveDate => typeof(DateOnly),
        DataType.NaiveTime => typeof(TimeOnly),
        DataType.NaiveDatetime => typeof(DateTime),
        DataType.UtcDatetime => typeof(DateTimeOffset),
        _ => typeof(string), // DECIMAL (cast on insert), STRING, JSON, XML
    };

    private static void WriteCell(IDuckDBDataWriter writer, BatchFileReader reader, int ordinal, DataType type, ulong row)
    {
        switch (type)
        {
            case DataType.Boolean: writer.WriteValue(reader.GetBoolean(ordinal), row); break;
            case DataType.Short: writer.WriteValue(reader.GetInt16(ordinal), row); break;
            case DataType.Int: writer.WriteValue(reader.GetInt32(ordinal), row); break;
            case DataType.Long: writer.WriteValue(reader.GetInt64(ordinal), row); break;
            case DataType.Float: writer.WriteValue(reader.GetSingle(ordinal), row); break;
            case DataType.Double: writer.WriteValue(reader.GetDouble(ordinal), row); break;
            case DataType.Decimal: writer.WriteValue(reader.GetDecimalString(ordinal), row); break;
            case DataType.NaiveDate: writer.WriteValue(reader.GetDate(ordinal), row); break;
            case DataType.NaiveTime: writer.WriteValue(reader.GetTime(ordinal), row); break;
            case DataType.NaiveDatetime: writer.WriteValue(reader.GetNaiveDateTime(ordinal), row); break;
            case DataType.UtcDatetime: writer.WriteValue(reader.GetUtcDateTime(ordinal), row); break;
            default: writer.WriteValue(reader.GetString(ordinal), row); break;
        }
    }
}
