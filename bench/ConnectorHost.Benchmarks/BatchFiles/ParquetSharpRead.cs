
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.BatchFiles.Values;
using FivetranSdk.V2;
using ParquetSharp;
using ParquetSharp.IO;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// read-parquet-batch-file --format parquetsharp (issue 13): the benchmark's AES Parquet file read through
/// ParquetSharp (apache/arrow's C++ Parquet reader, P/Invoke) instead of Parquet.Net, to measure whether that package
/// reaches the ≥ 4M rows/s the hand-written decoder did. The file is read through the same seekable decrypting
/// stream as the reader (ManagedRandomAccessFile: no plaintext on disk, never the whole file in memory) and every
/// cell is touched as TouchEveryCell does through the reader's row API: long, double and booleans as values, text
/// (ByteArray pointing at ParquetSharp's page buffer) copied out as UTF-8 bytes and compared with the null and
/// unmodified markers, the instant parsed from its UTF-8 text. Each column is read with the low-level
/// <c>ColumnReader&lt;T&gt;.ReadBatch</c> into preallocated arrays with definition levels, one batch (≤ one page)
/// at a time per column, columns advancing row by row in step.
/// </summary>
internal static unsafe class ParquetSharpRead
{
    private const int Batch = 4096;

    public static (long Rows, double Checksum) TouchEveryCell(string path, byte[] key, FileParams fileParams)
    {
        var nullUtf8 = System.Text.Encoding.UTF8.GetBytes(fileParams.NullString);
        var unmodifiedUtf8 = System.Text.Encoding.UTF8.GetBytes(fileParams.UnmodifiedString);
        using var stream = new SeekableAesCbcStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.RandomAccess), key);
        using var file = new ManagedRandomAccessFile(stream, leaveOpen: true);
        using var parquet = new ParquetFileReader(file);
        var metadata = parquet.FileMetaData;
        var schema = metadata.Schema;
        int Ordinal(string name)
        {
            for (var i = 0; i < schema.NumColumns; i++)
            {
                if (schema.Column(i).Name == name)
                {
                    return i;
                }
            }
            throw new InvalidOperationException($"no column {name}");
        }
        int id = Ordinal("id"), name = Ordinal("name"), amount = Ordinal("amount"), flag = Ordinal("flag"), note = Ordinal("note"),
            deleted = Ordinal("_fivetran_deleted"), synced = Ordinal("_fivetran_synced");

        var idCursor = new Cursor<long>();
        var amountCursor = new Cursor<double>();
        var flagCursor = new Cursor<bool>();
        var deletedCursor = new Cursor<bool>();
        var nameCursor = new Cursor<ByteArray>();
        var noteCursor = new Cursor<ByteArray>();
        var syncedCursor = new Cursor<ByteArray>();
        var scratch = new byte[256];

        double checksum = 0;
        long textLength = 0;
        long rows = 0;
        for (var g = 0; g < metadata.NumRowGroups; g++)
        {
            using var group = parquet.RowGroup(g);
            var groupRows = group.MetaData.NumRows;
            using var idReader = (ColumnReader<long>)group.Column(id);
            using var amountReader = (ColumnReader<double>)group.Column(amount);
            using var flagReader = (ColumnReader<bool>)group.Column(flag);
            using var deletedReader = (ColumnReader<bool>)group.Column(deleted);
            using var nameReader = (ColumnReader<ByteArray>)group.Column(name);
            using var noteReader = (ColumnReader<ByteArray>)group.Column(note);
            using var syncedReader = (ColumnReader<ByteArray>)group.Column(synced);
            idCursor.Start(idReader);
            amountCursor.Start(amountReader);
            flagCursor.Start(flagReader);
            deletedCursor.Start(deletedReader);
            nameCursor.Start(nameReader);
            noteCursor.Start(noteReader);
            syncedCursor.Start(syncedReader);
            for (long r = 0; r < groupRows; r++)
            {
                checksum += idCursor.Next(out var idValue) ? idValue : 0;
                checksum += amountCursor.Next(out var amountValue) ? amountValue : 0;
                checksum += flagCursor.Next(out var flagValue) && flagValue ? 1 : 0;
                checksum += deletedCursor.Next(out var deletedValue) && deletedValue ? 1 : 0;
                var syncedText = Text(syncedCursor, ref scratch, nullUtf8, unmodifiedUtf8);
                checksum += CellParsers.TryParseUtcDateTime(syncedText, out var instant) ? instant.Millisecond : throw new InvalidDataException("not an instant");
                textLength += Text(nameCursor, ref scratch, nullUtf8, unmodifiedUtf8).Length;
                textLength += Text(noteCursor, ref scratch, nullUtf8, unmodifiedUtf8).Length;
            }
            rows += groupRows;
        }
        return (rows, checksum + textLength);
    }

    /// <summary>
    /// --breakdown with parquetsharp: ParquetSharp's own cost, with no cell touched: every column's ReadBatch alone
    /// (decrypt + native decompression and decoding + the P/Invoke), then each column alone.
    /// </summary>
    public static void Breakdown(string path, byte[] key, int rows)
    {
        Console.WriteLine("parquetsharp breakdown (best of 3 after a warm-up; ReadBatch only, no cell touched):");
        ParquetBreakdown.Time("ParquetSharp all columns", rows, () => DecodeOnly(path, key, null));
        for (var c = 0; c < 7; c++)
        {
            var column = c;
            ParquetBreakdown.Time($"ParquetSharp {BenchBatchFile.Columns[c]}", rows, () => DecodeOnly(path, key, column));
        }
    }

    private static double DecodeOnly(string path, byte[] key, int? only)
    {
        using var stream = new SeekableAesCbcStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.RandomAccess), key);
        using var file = new ManagedRandomAccessFile(stream, leaveOpen: true);
        using var parquet = new ParquetFileReader(file);
        var metadata = parquet.FileMetaData;
        var levels = new short[Batch];
        var longs = new long[Batch];
        var doubles = new double[Batch];
        var bools = new bool[Batch];
        var bytes = new ByteArray[Batch];
        long total = 0;
        for (var g = 0; g < metadata.NumRowGroups; g++)
        {
            using var group = parquet.RowGroup(g);
            for (var c = 0; c < metadata.NumColumns; c++)
            {
                if (only is not null && only != c)
                {
                    continue;
                }
                using var reader = group.Column(c);
                while (reader.HasNext)
                {
                    total += reader switch
                    {
                        ColumnReader<long> r => r.ReadBatch(Batch, levels, default, longs, out _),
                        ColumnReader<double> r => r.ReadBatch(Batch, levels, default, doubles, out _),
                        ColumnReader<bool> r => r.ReadBatch(Batch, levels, default, bools, out _),
                        ColumnReader<ByteArray> r => r.ReadBatch(Batch, levels, default, bytes, out _),
                        _ => throw new InvalidOperationException(reader.GetType().Name),
                    };
                }
            }
        }
        return total;
    }

    /// <summary>The cell's UTF-8 bytes copied out of the native page buffer (as the reader's GetRawUtf8 gives them); a marker is checked as the reader does.</summary>
    private static ReadOnlySpan<byte> Text(Cursor<ByteArray> cursor, ref byte[] scratch, byte[] nullUtf8, byte[] unmodifiedUtf8)
    {
        if (!cursor.Next(out var value))
        {
            return nullUtf8;
        }
        var bytes = new ReadOnlySpan<byte>((void*)value.Pointer, value.Length);
        if (scratch.Length < bytes.Length)
        {
            scratch = new byte[Math.Max(bytes.Length, scratch.Length * 2)];
        }
        bytes.CopyTo(scratch);
        var copy = scratch.AsSpan(0, bytes.Length);
        if (copy.SequenceEqual(nullUtf8) || copy.SequenceEqual(unmodifiedUtf8))
        {
            return nullUtf8; // the benchmark has no marker cells: this is the cost of checking
        }
        return copy;
    }

    /// <summary>One column's current batch: definition levels and the (dense) non-null values of up to one page.</summary>
    private sealed class Cursor<T> where T : unmanaged
    {
        private readonly short[] _levels = new short[Batch];
        private readonly T[] _values = new T[Batch];
        private ColumnReader<T>? _reader;
        private int _level;
        private int _levelsCount;
        private int _value;

        public void Start(ColumnReader<T> reader)
        {
            _reader = reader;
            _level = _levelsCount = _value = 0;
        }

        public bool Next(out T value)
        {
            if (_level == _levelsCount)
            {
                Fill();
            }
            if (_levels[_level++] == 0)
            {
                value = default;
                return false;
            }
            value = _values[_value++];
            return true;
        }

        private void Fill()
        {
            if (!_reader!.HasNext)
            {
                throw new InvalidDataException("the column chunk ended before the row group");
            }
            _levelsCount = (int)_reader.ReadBatch(Batch, _levels, default, _values, out _);
            _level = _value = 0;
        }
    }
}
