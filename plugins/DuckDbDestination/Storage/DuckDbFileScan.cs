using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using FivetranSdk.V2;
using SqlDestinations;

namespace DuckDbDestination.Storage;

/// <summary>
/// A batch file as a DuckDB table function, so a replace file into an empty table lands with one
/// <c>INSERT … SELECT</c> and no stage: DuckDB pulls the rows as it inserts them and writes row groups to the database
/// file directly (an appender into the table leaves them in the WAL, and the next write pays to checkpoint them).
/// The function is DuckDB's C API table function, registered once per database instance: each cell is written into
/// DuckDB's vector memory as it is parsed (numbers and times in DuckDB's own representation, text as the file's
/// UTF-8 bytes), because DuckDB.NET's object-per-row table functions cost a generic virtual call and, for text, a
/// UTF-16 round trip per cell (a fifth of the host's CPU in a 1M-row replace). DuckDB runs the function on up to
/// <see cref="ScanThreads"/> threads, each filling its own chunk in file order under a lock; a bad cell stops the
/// statement and its <see cref="BatchFileException"/> (file, row, column) is what the caller sees. BINARY columns are not written this way (BLOBs would need a copy of their own): such tables stage.
/// </summary>
internal sealed unsafe class DuckDbFileScan
{
    private const string FunctionName = "__connectorhost_file_scan";
    private const int InlineStringBytes = 12; // DuckDB's string_t keeps strings up to 12 bytes inside its 16 bytes

    /// <summary>
    /// DuckDB may call the function from this many threads at once. Each call reads its chunk of the file under the
    /// scan's lock (the file is one stream, read in order), then that thread appends and compresses the chunk while
    /// another reads the next: reading and DuckDB's work on the rows overlap.
    /// </summary>
    private const ulong ScanThreads = 2;

    private static readonly ConcurrentDictionary<long, DuckDbFileScan> s_scans = new();
    private static readonly ulong s_vectorSize = NativeMethods.Helpers.DuckDBVectorSize();
    private static long s_lastScanId;

    // duckdb_init_set_max_threads, which DuckDB.NET does not bind; looked up in the library DuckDB.NET loaded.
    private static readonly delegate* unmanaged[Cdecl]<IntPtr, ulong, void> s_setMaxThreads =
        (delegate* unmanaged[Cdecl]<IntPtr, ulong, void>)NativeLibrary.GetExport(
            NativeLibrary.Load("duckdb", typeof(NativeMethods).Assembly, null), "duckdb_init_set_max_threads");

    private readonly ColumnDefinition[] _columns;
    private readonly bool[] _isKey;
    private readonly KeyOrderProof _keyOrder;
    private readonly BatchFileReader _reader;
    private readonly IntPtr[] _vectors;
    private readonly void*[] _data;
    private readonly ulong*[] _validity;
    private readonly Lock _fileLock = new(); // one reader of the file at a time, in file order
    private byte[] _textBuffer = new byte[256]; // grows to the longest DECIMAL/JSON/XML cell; the reader bounds rows
    private Exception? _failure;
    private long _rows;
    private bool _finished;

    private DuckDbFileScan(BatchFileReader reader, TableDefinition table, KeyOrderProof keyOrder)
    {
        _reader = reader;
        _columns = [.. reader.Columns.Select(table.Require)];
        _isKey = [.. _columns.Select(table.RecordKey.Contains)];
        _keyOrder = keyOrder;
        _vectors = new IntPtr[_columns.Length];
        _data = new void*[_columns.Length];
        _validity = new ulong*[_columns.Length];
    }

    public static bool CanScan(TableDefinition table) => table.Columns.All(c => c.Type != DataType.Binary);

    /// <summary>
    /// Makes the function known to the database instance behind <paramref name="connection"/> (DuckDB keeps table
    /// functions in its system catalog, shared by every connection). Another plugin instance on the same file has
    /// registered the same callbacks already, which is fine.
    /// </summary>
    public static void Register(DuckDBConnection connection)
    {
        var function = NativeMethods.TableFunction.DuckDBCreateTableFunction();
        try
        {
            NativeMethods.TableFunction.DuckDBTableFunctionSetName(function, FunctionName);
            using (var scanId = NativeMethods.LogicalType.DuckDBCreateLogicalType(DuckDBType.BigInt))
            {
                NativeMethods.TableFunction.DuckDBTableFunctionAddParameter(function, scanId);
            }

            NativeMethods.TableFunction.DuckDBTableFunctionSetBind(function, &Bind);
            NativeMethods.TableFunction.DuckDBTableFunctionSetInit(function, &Init);
            NativeMethods.TableFunction.DuckDBTableFunctionSetFunction(function, &Produce);
            if (NativeMethods.TableFunction.DuckDBRegisterTableFunction(connection.NativeConnection, function) != DuckDBState.Success && !IsRegistered(connection))
            {
                throw new InvalidOperationException($"DuckDB refused to register the table function {FunctionName}.");
            }
        }
        finally
        {
            NativeMethods.TableFunction.DuckDBDestroyTableFunction(ref function);
        }
    }

    private static bool IsRegistered(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM duckdb_functions() WHERE function_name = '{FunctionName}'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Inserts every row of <paramref name="reader"/> into <paramref name="physicalName"/>; returns the row count.</summary>
    public static long Load(DuckDbSession session, DuckDbDialect dialect, TableDefinition table, BatchFileReader reader, string physicalName, KeyOrderProof keyOrder)
    {
        var scan = new DuckDbFileScan(reader, table, keyOrder);
        var id = Interlocked.Increment(ref s_lastScanId);
        s_scans[id] = scan;
        // Decimals travel as text (DuckDB's 38 digits exceed .NET decimal) and are cast on the way in.
        var values = scan._columns.Select((column, i) => column.Type == DataType.Decimal
            ? $"CAST({Sql.Quote(ColumnName(i))} AS {dialect.SqlType(column)})"
            : Sql.Quote(ColumnName(i)));
        try
        {
            session.Execute($"INSERT INTO {physicalName} ({Sql.QuoteList(reader.Columns)}) SELECT {string.Join(", ", values)} FROM {FunctionName}({id})");
        }
        catch (DuckDBException) when (scan._failure is not null)
        {
            ExceptionDispatchInfo.Capture(scan._failure).Throw();
        }
        finally
        {
            s_scans.TryRemove(id, out _);
        }

        return scan._rows;
    }

    private static string ColumnName(int ordinal) => $"c{ordinal}";

    private static DuckDBType ResultType(DataType type) => type switch
    {
        DataType.Boolean => DuckDBType.Boolean,
        DataType.Short => DuckDBType.SmallInt,
        DataType.Int => DuckDBType.Integer,
        DataType.Long => DuckDBType.BigInt,
        DataType.Float => DuckDBType.Float,
        DataType.Double => DuckDBType.Double,
        DataType.NaiveDate => DuckDBType.Date,
        DataType.NaiveTime => DuckDBType.Time,
        DataType.NaiveDatetime => DuckDBType.Timestamp,
        DataType.UtcDatetime => DuckDBType.TimestampTz,
        _ => DuckDBType.Varchar, // DECIMAL (cast on insert), STRING, JSON, XML
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Bind(IntPtr info)
    {
        DuckDbFileScan? scan = null;
        try
        {
            long id;
            using (var parameter = NativeMethods.TableFunction.DuckDBBindGetParameter(info, 0))
            {
                id = NativeMethods.Value.DuckDBGetInt64(parameter);
            }

            scan = s_scans.TryGetValue(id, out var found) ? found : throw new InvalidOperationException($"No batch file is being loaded as scan {id}.");
            for (var i = 0; i < scan._columns.Length; i++)
            {
                using var type = NativeMethods.LogicalType.DuckDBCreateLogicalType(ResultType(scan._columns[i].Type));
                NativeMethods.TableFunction.DuckDBBindAddResultColumn(info, ColumnName(i), type);
            }

            NativeMethods.TableFunction.DuckDBBindSetBindData(info, (IntPtr)id, &ForgetBindData);
        }
        catch (Exception e)
        {
            scan?._failure ??= e;
            NativeMethods.TableFunction.DuckDBBindSetError(info, e.Message);
        }
    }

    /// <summary>The bind data is the scan's id, not memory: nothing to free.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ForgetBindData(IntPtr bindData)
    {
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Init(IntPtr info)
    {
        s_setMaxThreads(info, ScanThreads);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Produce(IntPtr info, IntPtr chunk)
    {
        var id = (long)NativeMethods.TableFunction.DuckDBFunctionGetBindData(info);
        if (!s_scans.TryGetValue(id, out var scan))
        {
            NativeMethods.TableFunction.DuckDBFunctionSetError(info, $"No batch file is being loaded as scan {id}.");
            return;
        }

        try
        {
            scan.Fill(new DuckDBDataChunk(chunk));
        }
        catch (Exception e)
        {
            scan._failure ??= e;
            NativeMethods.TableFunction.DuckDBFunctionSetError(info, e.Message);
        }
    }

    /// <summary>Fills one output chunk with the next rows of the file; an empty chunk ends the scan.</summary>
    private void Fill(DuckDBDataChunk chunk)
    {
        lock (_fileLock)
        {
            // The failure is recorded before the lock is let go, so no other thread reads on past a bad row.
            if (_failure is not null)
            {
                throw new InvalidOperationException("The batch file's scan stopped at an earlier error.");
            }

            try
            {
                FillLocked(chunk);
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }
        }
    }

    private void FillLocked(DuckDBDataChunk chunk)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            _vectors[i] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, i);
            _data[i] = NativeMethods.Vectors.DuckDBVectorGetData(_vectors[i]);
            _validity[i] = null; // made writable on the chunk's first NULL in the column
        }

        ulong row = 0;
        while (row < s_vectorSize && !_finished)
        {
            if (!_reader.Read())
            {
                _finished = true;
                break;
            }

            _rows++;
            _keyOrder.Observe();
            WriteRow(row++);
        }

        NativeMethods.DataChunks.DuckDBDataChunkSetSize(chunk, row);
    }

    private void WriteRow(ulong row)
    {
        var reader = _reader;
        for (var ordinal = 0; ordinal < _columns.Length; ordinal++)
        {
            switch (reader.GetState(ordinal))
            {
                case CellState.Value:
                    WriteValue(ordinal, row);
                    break;
                case CellState.Unmodified:
                    throw BadCell.UnmodifiedOutsideUpdate(reader, _columns[ordinal].Name);
                default:
                    if (_isKey[ordinal])
                    {
                        throw BadCell.NullKey(reader, _columns[ordinal].Name);
                    }

                    WriteNull(ordinal, row);
                    break;
            }
        }
    }

    private void WriteNull(int ordinal, ulong row)
    {
        var validity = _validity[ordinal];
        if (validity is null)
        {
            NativeMethods.Vectors.DuckDBVectorEnsureValidityWritable(_vectors[ordinal]);
            validity = _validity[ordinal] = NativeMethods.Vectors.DuckDBVectorGetValidity(_vectors[ordinal]);
        }

        validity[row / 64] &= ~(1UL << (int)(row % 64));
    }

    /// <summary>Each value in the representation DuckDB's vectors hold (see duckdb.h): dates as days, times as microseconds.</summary>
    private void WriteValue(int ordinal, ulong row)
    {
        var reader = _reader;
        var data = _data[ordinal];
        switch (_columns[ordinal].Type)
        {
            case DataType.Boolean: ((byte*)data)[row] = reader.GetBoolean(ordinal) ? (byte)1 : (byte)0; break;
            case DataType.Short: ((short*)data)[row] = reader.GetInt16(ordinal); break;
            case DataType.Int: ((int*)data)[row] = reader.GetInt32(ordinal); break;
            case DataType.Long: ((long*)data)[row] = reader.GetInt64(ordinal); break;
            case DataType.Float: ((float*)data)[row] = reader.GetSingle(ordinal); break;
            case DataType.Double: ((double*)data)[row] = reader.GetDouble(ordinal); break;
            case DataType.NaiveDate: ((int*)data)[row] = DuckDbTimes.Days(reader.GetDate(ordinal)); break;
            case DataType.NaiveTime: ((long*)data)[row] = DuckDbTimes.Microseconds(reader.GetTime(ordinal)); break;
            case DataType.NaiveDatetime: ((long*)data)[row] = DuckDbTimes.Microseconds(reader.GetNaiveDateTime(ordinal)); break;
            case DataType.UtcDatetime: ((long*)data)[row] = DuckDbTimes.Microseconds(reader.GetUtcDateTime(ordinal)); break;
            case DataType.Decimal: WriteText(ordinal, row, Encoded(reader.GetDecimalString(ordinal))); break;
            case DataType.String: WriteText(ordinal, row, StringCells.Utf8Bytes(reader, ordinal)); break;
            default: WriteText(ordinal, row, Encoded(reader.GetString(ordinal))); break; // JSON, XML
        }
    }

    /// <summary>A DECIMAL, JSON or XML cell's text as UTF-8, in a buffer the scan reuses (valid until the next cell).</summary>
    private ReadOnlySpan<byte> Encoded(string text)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_textBuffer.Length < needed)
        {
            _textBuffer = new byte[Math.Max(needed, _textBuffer.Length * 2)];
        }

        return _textBuffer.AsSpan(0, Encoding.UTF8.GetBytes(text, _textBuffer));
    }

    private void WriteText(int ordinal, ulong row, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= InlineStringBytes)
        {
            // An inlined string_t: the length, then the bytes, zero-padded (DuckDB compares all 16 bytes).
            var target = (byte*)_data[ordinal] + (row * 16);
            *(uint*)target = (uint)utf8.Length;
            new Span<byte>(target + 4, InlineStringBytes).Clear();
            utf8.CopyTo(new Span<byte>(target + 4, InlineStringBytes));
            return;
        }

        // Longer strings go to the vector's string heap; the bytes are valid UTF-8 already, so the unchecked assign.
        fixed (byte* bytes = utf8)
        {
            NativeMethods.Vectors.DuckDBUnsafeVectorAssignStringElementLength(_vectors[ordinal], row, bytes, utf8.Length);
        }
    }
}
