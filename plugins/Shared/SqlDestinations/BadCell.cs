using ConnectorHost.Abstractions.BatchFiles;

namespace SqlDestinations;

/// <summary>
/// The cells every SQL destination's load loop refuses, whichever path (stage or direct load) meets them first:
/// one message each, naming the file, row and column.
/// </summary>
internal static class BadCell
{
    public static BatchFileException UnmodifiedOutsideUpdate(BatchFileReader reader, string column) =>
        new(reader.FilePath, $"column '{column}' holds the unmodified marker, which only update files may use for non-key columns", reader.RowNumber, column);

    public static BatchFileException NullKey(BatchFileReader reader, string column) =>
        new(reader.FilePath, $"primary-key column '{column}' is NULL", reader.RowNumber, column);
}
