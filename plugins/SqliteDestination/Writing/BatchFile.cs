using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using SqliteDestination.Catalog;

namespace SqliteDestination.Writing;

/// <summary>One open batch file with its header columns resolved against the destination table.</summary>
internal sealed class BatchFile : IDisposable
{
    private BatchFile(BatchFileReader reader, IReadOnlyList<ColumnDefinition> columns)
    {
        Reader = reader;
        Columns = columns;
    }

    public BatchFileReader Reader { get; }

    /// <summary>The table column of each header ordinal.</summary>
    public IReadOnlyList<ColumnDefinition> Columns { get; }

    public static BatchFile Open(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, TableDefinition table, BatchProgress progress, string kind)
    {
        // Typed access follows the destination's own catalog, which is what the values are stored as.
        // _fivetran_start is a version, not part of the record key: files that only name records may omit it.
        var proto = table.ToProto();
        foreach (var column in proto.Columns.Where(c => c.Name == SystemColumns.Start))
        {
            column.PrimaryKey = false;
        }

        var reader = BatchFileReader.Open(path, fileParams, keys, proto, progress.MaxRowBytes);
        try
        {
            var columns = new List<ColumnDefinition>(reader.Columns.Count);
            foreach (var name in reader.Columns)
            {
                columns.Add(table.Find(name) ?? throw new BatchFileException(path, $"table {table.DisplayName} has no column {BatchFileException.Quote(name)}", column: name));
            }

            var file = new BatchFile(reader, columns);
            progress.FileOpened(file, kind);
            return file;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public int OrdinalOf(ColumnDefinition column) => Reader.GetOrdinal(column.Name);

    public int RequireOrdinal(ColumnDefinition column)
    {
        var ordinal = Reader.GetOrdinal(column.Name);
        return ordinal >= 0
            ? ordinal
            : throw new BatchFileException(Reader.FilePath, $"the header has no column '{column.Name}', which this operation needs", column: column.Name);
    }

    /// <summary>A SQLite failure on the current row, reported with file and row.</summary>
    public ConnectorException RowFailure(SqliteException ex) =>
        new BatchFileException(Reader.FilePath, $"the row could not be applied: {ex.Message}", Reader.RowNumber, innerException: ex);

    public void Dispose() => Reader.Dispose();
}
