using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConnectorHost.Abstractions.BatchFiles.Csv;

/// <summary>
/// Splits a UTF-8 byte stream into CSV rows the way Fivetran's Jackson CsvSchema writes them: comma separated,
/// rows ended by \n (or \r\n, or \r), cells optionally quoted with <c>"</c>, a quote inside a quoted cell doubled,
/// newlines and commas allowed inside quotes, backslash an ordinary character.
/// <para>
/// The current row is kept whole in one buffer; cells are recorded as offsets into it, so reading a row allocates
/// nothing. A row that crosses the end of the buffer is moved to the front and scanned again after a refill; the
/// buffer only grows for a single row larger than it. Doubled quotes are removed in place once the row is complete.
/// </para>
/// Malformed input raises <see cref="InvalidDataException"/>; <see cref="CellCount"/> then says which cell.
/// </summary>
internal sealed class CsvRowScanner
{
    private const byte Quote = (byte)'"';
    private const byte Comma = (byte)',';
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private const int MaskWidth = 64;

    private readonly Stream _source;
    private readonly int _maxRowBytes;
    private byte[] _buffer;
    private int _rowStart;
    private int _dataEnd;
    private bool _sourceEnded;
    private int[] _cellStart = new int[16];
    private int[] _cellLength = new int[16];
    private bool[] _cellEscaped = new bool[16];

    // Where the cell-ending bytes (, \n \r) are in the 64 bytes from _maskBase: bit i set = byte _maskBase + i.
    // Finding a cell's end is then a bit scan instead of a search call per cell.
    private int _maskBase = int.MinValue / 2;
    private ulong _mask;

    /// <param name="maxRowBytes">The longest row accepted (line end included); a longer one raises an <see cref="InvalidDataException"/> and sets <see cref="RowWasTooLong"/>.</param>
    public CsvRowScanner(Stream source, int maxRowBytes, int bufferSize = 256 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowBytes, 1);
        _source = source;
        _maxRowBytes = maxRowBytes;
        _buffer = new byte[bufferSize];
    }

    /// <summary>True once a row longer than the limit was refused (the failure is the row's, not one cell's).</summary>
    public bool RowWasTooLong { get; private set; }

    private InvalidDataException RowTooLong()
    {
        RowWasTooLong = true;
        CellCount = 0;
        return new InvalidDataException($"the row is longer than the limit of {_maxRowBytes:N0} bytes per row");
    }

    /// <summary>Drops the row buffer (which a long row may have grown) so it can be collected at once.</summary>
    public void Release()
    {
        _buffer = [];
        _rowStart = _dataEnd = 0;
        _sourceEnded = true;
    }

    public byte[] Buffer => _buffer;

    /// <summary>Cells in the current row (also: during a failed scan, the cell being read when it failed).</summary>
    public int CellCount { get; private set; }

    public ReadOnlySpan<byte> Cell(int index) => _buffer.AsSpan(_cellStart[index], _cellLength[index]);

    public int CellStart(int index) => _cellStart[index];

    public int CellLength(int index) => _cellLength[index];

    /// <summary>
    /// Advances to the next row. Blank lines are skipped when <paramref name="skipBlankLines"/> (a blank line
    /// cannot be a row of a multi-column file). Returns false at the end of the data.
    /// </summary>
    public bool ReadRow(bool skipBlankLines)
    {
        while (true)
        {
            var result = TryScanRow(skipBlankLines, out var rowEnd);
            if (result == ScanResult.NeedMoreData)
            {
                Refill();
                continue;
            }
            if (result == ScanResult.EndOfData)
            {
                return false;
            }
            if (rowEnd - _rowStart > _maxRowBytes)
            {
                throw RowTooLong();
            }
            _rowStart = rowEnd;
            if (result == ScanResult.BlankLine)
            {
                continue;
            }
            UnescapeDoubledQuotes();
            return true;
        }
    }

    private enum ScanResult
    {
        Row,
        BlankLine,
        NeedMoreData,
        EndOfData,
    }

    private ScanResult TryScanRow(bool skipBlankLines, out int rowEnd)
    {
        var buffer = _buffer;
        var end = _dataEnd;
        var p = _rowStart;
        rowEnd = p;
        CellCount = 0;

        if (p >= end)
        {
            return _sourceEnded ? ScanResult.EndOfData : ScanResult.NeedMoreData;
        }
        if (skipBlankLines && (buffer[p] == LineFeed || buffer[p] == CarriageReturn))
        {
            if (buffer[p] == CarriageReturn && p + 1 >= end && !_sourceEnded)
            {
                return ScanResult.NeedMoreData;
            }
            rowEnd = buffer[p] == CarriageReturn && p + 1 < end && buffer[p + 1] == LineFeed ? p + 2 : p + 1;
            return ScanResult.BlankLine;
        }

        var cell = 0;
        while (true)
        {
            if (p >= end)
            {
                if (!_sourceEnded)
                {
                    return ScanResult.NeedMoreData;
                }
                // The data ends right after a comma: the last cell is empty.
                AddCell(cell++, p, 0, escaped: false);
                CellCount = cell;
                rowEnd = p;
                return ScanResult.Row;
            }

            if (buffer[p] == Quote)
            {
                var contentStart = p + 1;
                var q = contentStart;
                var escaped = false;
                while (true)
                {
                    var found = buffer.AsSpan(q, end - q).IndexOf(Quote);
                    if (found < 0)
                    {
                        if (_sourceEnded)
                        {
                            CellCount = cell;
                            throw new InvalidDataException(
                                "a quoted cell is never closed: the file ends inside quotes (truncated file or unbalanced \")");
                        }
                        return ScanResult.NeedMoreData;
                    }
                    q += found;
                    if (q + 1 >= end && !_sourceEnded)
                    {
                        return ScanResult.NeedMoreData;
                    }
                    if (q + 1 < end && buffer[q + 1] == Quote)
                    {
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                AddCell(cell++, contentStart, q - contentStart, escaped);
                p = q + 1;
                if (p < end && buffer[p] != Comma && buffer[p] != LineFeed && buffer[p] != CarriageReturn)
                {
                    CellCount = cell - 1;
                    throw new InvalidDataException(
                        $"unexpected character {BatchFileException.Quote(((char)buffer[p]).ToString())} after the closing quote of a cell (expected a comma or the end of the row)");
                }
            }
            else
            {
                var cellEnd = NextCellEnd(p, end);
                if (cellEnd < 0)
                {
                    if (!_sourceEnded)
                    {
                        return ScanResult.NeedMoreData;
                    }
                    cellEnd = end;
                }
                AddCell(cell++, p, cellEnd - p, escaped: false);
                p = cellEnd;
            }

            if (p >= end)
            {
                // Only reachable when the source has ended: the last row has no line break.
                CellCount = cell;
                rowEnd = p;
                return ScanResult.Row;
            }
            var delimiter = buffer[p];
            if (delimiter == Comma)
            {
                p++;
                continue;
            }
            if (delimiter == CarriageReturn)
            {
                if (p + 1 >= end && !_sourceEnded)
                {
                    return ScanResult.NeedMoreData;
                }
                p += p + 1 < end && buffer[p + 1] == LineFeed ? 2 : 1;
            }
            else
            {
                p++;
            }
            CellCount = cell;
            rowEnd = p;
            return ScanResult.Row;
        }
    }

    /// <summary>The first comma, \n or \r at or after <paramref name="p"/> and before <paramref name="end"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextCellEnd(int p, int end)
    {
        while (true)
        {
            var offset = p - _maskBase;
            if ((uint)offset < MaskWidth)
            {
                var bits = _mask & (ulong.MaxValue << offset);
                if (bits != 0)
                {
                    return _maskBase + BitOperations.TrailingZeroCount(bits);
                }
                p = _maskBase + MaskWidth;
            }
            if (p >= end)
            {
                return -1;
            }
            LoadMask(p, end);
        }
    }

    private void LoadMask(int start, int end)
    {
        _maskBase = start;
        var available = end - start;
        ulong mask;
        if (start + MaskWidth <= _buffer.Length)
        {
            ref var first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), start);
            mask = CellEndMask64(ref first);
        }
        else
        {
            mask = 0;
            for (var i = 0; i < Math.Min(available, MaskWidth); i++)
            {
                var b = _buffer[start + i];
                if (b == Comma || b == LineFeed || b == CarriageReturn)
                {
                    mask |= 1UL << i;
                }
            }
        }
        // Bytes past the data end are stale buffer content.
        _mask = available >= MaskWidth ? mask : mask & ((1UL << available) - 1);
    }

    private static ulong CellEndMask64(ref byte first)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.LoadUnsafe(ref first);
            var high = Vector256.LoadUnsafe(ref first, 32);
            return CellEndMask(low) | ((ulong)CellEndMask(high) << 32);
        }
        var result = 0UL;
        for (var i = 0; i < 4; i++)
        {
            var v = Vector128.LoadUnsafe(ref first, (nuint)(i * 16));
            var hits = Vector128.Equals(v, Vector128.Create(Comma)) | Vector128.Equals(v, Vector128.Create(LineFeed))
                | Vector128.Equals(v, Vector128.Create(CarriageReturn));
            result |= (ulong)hits.ExtractMostSignificantBits() << (i * 16);
        }
        return result;
    }

    private static uint CellEndMask(Vector256<byte> v) =>
        (Vector256.Equals(v, Vector256.Create(Comma)) | Vector256.Equals(v, Vector256.Create(LineFeed))
            | Vector256.Equals(v, Vector256.Create(CarriageReturn))).ExtractMostSignificantBits();

    private void AddCell(int index, int start, int length, bool escaped)
    {
        if (index == _cellStart.Length)
        {
            Array.Resize(ref _cellStart, index * 2);
            Array.Resize(ref _cellLength, index * 2);
            Array.Resize(ref _cellEscaped, index * 2);
        }
        _cellStart[index] = start;
        _cellLength[index] = length;
        _cellEscaped[index] = escaped;
    }

    private void UnescapeDoubledQuotes()
    {
        for (var i = 0; i < CellCount; i++)
        {
            if (!_cellEscaped[i])
            {
                continue;
            }
            var cell = _buffer.AsSpan(_cellStart[i], _cellLength[i]);
            var write = 0;
            for (var read = 0; read < cell.Length; read++)
            {
                cell[write++] = cell[read];
                if (cell[read] == Quote)
                {
                    read++; // skip the second quote of the pair
                }
            }
            _cellLength[i] = write;
            _cellEscaped[i] = false;
        }
    }

    private void Refill()
    {
        var pending = _dataEnd - _rowStart;
        if (pending > _maxRowBytes)
        {
            throw RowTooLong();
        }
        if (_rowStart == 0 && pending == _buffer.Length)
        {
            // Grows only for one row larger than the buffer, and never past the limit (plus one byte to detect it).
            Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, _maxRowBytes + 1L));
        }
        else if (_rowStart > 0)
        {
            _buffer.AsSpan(_rowStart, pending).CopyTo(_buffer);
            _rowStart = 0;
            _dataEnd = pending;
        }
        _maskBase = int.MinValue / 2; // the bytes moved or the data end changed
        var read = _source.Read(_buffer, _dataEnd, _buffer.Length - _dataEnd);
        _dataEnd += read;
        _sourceEnded = read == 0;
    }
}

