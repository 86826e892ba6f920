using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;

namespace SqlDestinations;

/// <summary>
/// Proves, while a replace file streams into its stage, that no record key (or, in history mode, no key and start
/// time) occurs twice: keys that arrive in strictly increasing order are all distinct, so the applier can skip its
/// duplicate-key query over the whole stage. Initial syncs usually page through a source by its key, so their files
/// arrive sorted; any other order only leaves the proof unproven and the query runs as before.
/// Values are compared as the database compares them: integers by value, strings by their bytes, instants by
/// microsecond. A key of any other type (or an instant finer than a microsecond) proves nothing.
/// Memory: the previous row's key, so bounded by the row-size limit.
/// </summary>
internal sealed class KeyOrderProof
{
    private readonly BatchFileReader _reader;
    private readonly (int Ordinal, DataType Type)[] _key;
    private readonly int _startOrdinal;
    private readonly long[] _previousNumbers;
    private readonly byte[][] _previousText;
    private readonly int[] _previousTextLength;
    private long _previousStart;
    private bool _first = true;

    public KeyOrderProof(BatchFileReader reader, TableDefinition table)
    {
        _reader = reader;
        var key = new List<(int, DataType)>();
        foreach (var column in table.RecordKey)
        {
            var ordinal = IndexOf(reader, column.Name);
            if (ordinal < 0 || !IsComparable(column.Type))
            {
                KeysIncreasing = KeysAndStartIncreasing = false;
                break;
            }

            key.Add((ordinal, column.Type));
        }

        _key = [.. key];
        _previousNumbers = new long[_key.Length];
        _previousText = new byte[_key.Length][];
        _previousTextLength = new int[_key.Length];
        for (var i = 0; i < _key.Length; i++)
        {
            _previousText[i] = _key[i].Type == DataType.String ? new byte[64] : [];
        }

        _startOrdinal = table.IsHistoryMode && table.Find(SystemColumns.Start) is { Type: DataType.UtcDatetime } ? IndexOf(reader, SystemColumns.Start) : -1;
        if (_startOrdinal < 0)
        {
            KeysAndStartIncreasing = false;
        }

        if (_key.Length == 0)
        {
            KeysIncreasing = KeysAndStartIncreasing = false;
        }
    }

    /// <summary>Every record key so far came after the one before it.</summary>
    public bool KeysIncreasing { get; private set; } = true;

    /// <summary>Every (record key, start time) so far came after the one before it.</summary>
    public bool KeysAndStartIncreasing { get; private set; } = true;

    /// <summary>Takes the current row into account; call once per row read.</summary>
    public void Observe()
    {
        if (!KeysIncreasing && !KeysAndStartIncreasing)
        {
            return;
        }

        var order = 0;
        for (var i = 0; i < _key.Length; i++)
        {
            var (ordinal, type) = _key[i];
            if (_reader.GetState(ordinal) != CellState.Value)
            {
                Unproven();
                return;
            }

            int comparison;
            if (type == DataType.String)
            {
                var value = _reader.GetRawUtf8(ordinal);
                comparison = _first ? 1 : value.SequenceCompareTo(_previousText[i].AsSpan(0, _previousTextLength[i]));
                Remember(i, value);
            }
            else
            {
                if (!TryNumber(ordinal, type, out var value))
                {
                    Unproven();
                    return;
                }

                comparison = _first ? 1 : value.CompareTo(_previousNumbers[i]);
                _previousNumbers[i] = value;
            }

            if (order == 0)
            {
                order = comparison;
            }
        }

        if (_first)
        {
            order = 1;
        }

        var startOrder = order;
        if (_startOrdinal >= 0 && KeysAndStartIncreasing)
        {
            if (_reader.GetState(_startOrdinal) != CellState.Value || !TryNumber(_startOrdinal, DataType.UtcDatetime, out var start))
            {
                KeysAndStartIncreasing = false;
            }
            else
            {
                if (startOrder == 0)
                {
                    startOrder = _first ? 1 : start.CompareTo(_previousStart);
                }

                _previousStart = start;
            }
        }

        _first = false;
        if (order <= 0)
        {
            KeysIncreasing = false;
        }

        if (startOrder <= 0)
        {
            KeysAndStartIncreasing = false;
        }
    }

    private void Unproven() => KeysIncreasing = KeysAndStartIncreasing = false;

    private void Remember(int i, ReadOnlySpan<byte> value)
    {
        if (_previousText[i].Length < value.Length)
        {
            _previousText[i] = new byte[Math.Max(value.Length, _previousText[i].Length * 2)];
        }

        value.CopyTo(_previousText[i]);
        _previousTextLength[i] = value.Length;
    }

    private bool TryNumber(int ordinal, DataType type, out long value)
    {
        switch (type)
        {
            case DataType.Short: value = _reader.GetInt16(ordinal); return true;
            case DataType.Int: value = _reader.GetInt32(ordinal); return true;
            case DataType.Long: value = _reader.GetInt64(ordinal); return true;
            case DataType.UtcDatetime:
                // Databases keep microseconds; two instants within one microsecond could be stored as one.
                var ticks = _reader.GetUtcDateTime(ordinal).UtcTicks;
                value = ticks / 10;
                return ticks % 10 == 0;
            default: value = 0; return false;
        }
    }

    private static bool IsComparable(DataType type) => type is DataType.Short or DataType.Int or DataType.Long or DataType.String or DataType.UtcDatetime;

    private static int IndexOf(BatchFileReader reader, string column)
    {
        for (var i = 0; i < reader.Columns.Count; i++)
        {
            if (reader.Columns[i] == column)
            {
                return i;
            }
        }

        return -1;
    }
}
