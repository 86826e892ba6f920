using System.Text.Unicode;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using SqliteDestination.Catalog;
using SqliteDestination.Storage;
using SqliteDestination.Types;

namespace SqliteDestination.Writing;

/// <summary>Moves one batch-file cell into a statement parameter in the column's storage format, without strings where possible.</summary>
internal static class CellBinder
{
    public static void Bind(RawStatement statement, int parameter, BatchFileReader reader, int ordinal, ColumnDefinition column)
    {
        switch (column.Type)
        {
            case DataType.Boolean: statement.BindInt64(parameter, reader.GetBoolean(ordinal) ? 1 : 0); break;
            case DataType.Short: statement.BindInt64(parameter, reader.GetInt16(ordinal)); break;
            case DataType.Int: statement.BindInt64(parameter, reader.GetInt32(ordinal)); break;
            case DataType.Long: statement.BindInt64(parameter, reader.GetInt64(ordinal)); break;
            case DataType.Float: BindReal(statement, parameter, reader.GetSingle(ordinal)); break;
            case DataType.Double: BindReal(statement, parameter, reader.GetDouble(ordinal)); break;
            case DataType.Decimal: statement.BindText(parameter, DecimalFit.Fit(reader, ordinal, column)); break;
            case DataType.NaiveDate: statement.BindText(parameter, StorageFormat.FormatDate(reader.GetDate(ordinal))); break;
            case DataType.NaiveTime: statement.BindText(parameter, StorageFormat.FormatTime(reader.GetTime(ordinal))); break;
            case DataType.NaiveDatetime: statement.BindText(parameter, StorageFormat.FormatNaiveDateTime(reader.GetNaiveDateTime(ordinal))); break;
            case DataType.UtcDatetime:
                var instant = reader.GetUtcDateTime(ordinal); // validates
                var raw = reader.GetRawUtf8(ordinal);
                if (IsCanonicalUtc(raw))
                {
                    statement.BindTextUtf8(parameter, raw); // already exactly the stored layout
                }
                else
                {
                    statement.BindText(parameter, StorageFormat.FormatUtc(instant));
                }

                break;
            case DataType.Binary: statement.BindBlob(parameter, reader.GetBinary(ordinal)); break;
            default:
                var utf8 = reader.GetRawUtf8(ordinal);
                if (!Utf8.IsValid(utf8))
                {
                    reader.GetString(ordinal); // raises the reader's precise invalid-UTF-8 error
                }

                statement.BindTextUtf8(parameter, utf8);
                break;
        }
    }

    /// <summary>SQLite stores a bound NaN as NULL, so NaN is kept as the text 'NaN'; ±Infinity are REAL values.</summary>
    private static void BindReal(RawStatement statement, int parameter, double value)
    {
        if (double.IsNaN(value))
        {
            statement.BindText(parameter, StorageFormat.NaNText);
        }
        else
        {
            statement.BindDouble(parameter, value);
        }
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffZ, the layout <see cref="StorageFormat.FormatUtc(DateTime)"/> writes for millisecond values.</summary>
    private static bool IsCanonicalUtc(ReadOnlySpan<byte> raw) =>
        raw.Length == 24 && raw[4] == (byte)'-' && raw[7] == (byte)'-' && raw[10] == (byte)'T' && raw[13] == (byte)':'
        && raw[16] == (byte)':' && raw[19] == (byte)'.' && raw[23] == (byte)'Z';

    /// <summary>Binds a cell that may be NULL; an unmodified marker is not allowed here.</summary>
    public static void BindValueOrNull(RawStatement statement, int parameter, BatchFileReader reader, int ordinal, ColumnDefinition column, string fileKind)
    {
        switch (reader.GetState(ordinal))
        {
            case CellState.Null:
                statement.BindNull(parameter);
                break;
            case CellState.Unmodified:
                throw new BatchFileException(reader.FilePath, $"the unmodified marker is not allowed in a {fileKind} file", reader.RowNumber, reader.Columns[ordinal]);
            default:
                Bind(statement, parameter, reader, ordinal, column);
                break;
        }
    }

    /// <summary>Binds a key cell, which must hold a value.</summary>
    public static void BindKey(RawStatement statement, int parameter, BatchFileReader reader, int ordinal, ColumnDefinition column)
    {
        if (reader.GetState(ordinal) != CellState.Value)
        {
            throw new BatchFileException(reader.FilePath, $"primary-key column is {(reader.GetState(ordinal) == CellState.Null ? "NULL" : "unmodified")}; a key needs a value", reader.RowNumber, reader.Columns[ordinal]);
        }

        Bind(statement, parameter, reader, ordinal, column);
    }
}
