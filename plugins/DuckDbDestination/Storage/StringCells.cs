using System.Text;
using ConnectorHost.Abstractions.BatchFiles;

namespace DuckDbDestination.Storage;

/// <summary>
/// A STRING cell for DuckDB's VARCHAR (UTF-8), used by the stage's appender and by the table function alike: the
/// file's own bytes when they are valid UTF-8 (decoding to a .NET string only to encode it again took most of the
/// staging time), otherwise what GetString makes of them, which for a CSV file is the error naming the file, row and
/// column.
/// </summary>
internal static class StringCells
{
    public static ReadOnlySpan<byte> Utf8Bytes(BatchFileReader reader, int ordinal)
    {
        var utf8 = reader.GetRawUtf8(ordinal);
        return System.Text.Unicode.Utf8.IsValid(utf8) ? utf8 : Encoding.UTF8.GetBytes(reader.GetString(ordinal));
    }
}
