using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Testing.Sync;

/// <summary>
/// A destination table during a sync: its columns, and the replace and update files being written for its next
/// WriteBatch. Rows go straight into encrypted, compressed files (never held in memory); files are deleted once the
/// destination has answered.
/// </summary>
internal sealed class PendingTable(string schemaName, Table table, string workDirectory, FileParams fileParams, int tableNumber, TableProgress progress) : IDisposable
{
    public const string SyncedColumn = "_fivetran_synced";
    public const string DeletedColumn = "_fivetran_deleted";
    public const string IdColumn = "_fivetran_id";

    private Dictionary<string, int> _ordinals = Ordinals(table);
    private object?[]? _row;
    private BatchFileWriter? _replace;
    private BatchFileWriter? _update;
    private int _fileNumber;

    public string SchemaName { get; } = schemaName;

    public Table Table { get; private set; } = table;

    /// <summary>The table's only key is <c>_fivetran_id</c>: rows carry a hash of their values as their key.</summary>
    public bool IsKeyless { get; private set; } = KeylessTable(table);

    public long PendingRows { get; private set; }

    /// <summary>The file kind last written: a record of an earlier kind must start a new batch (replace files apply before update files).</summary>
    public FileKind? LastKind { get; private set; }

    public TableProgress Progress { get; } = progress;

    public bool HasColumn(string name) => _ordinals.ContainsKey(name);

    public void ChangeColumns(Table table)
    {
        if (PendingRows > 0)
        {
            throw new InvalidOperationException("Flush the table before changing its columns: open files have the old header.");
        }

        Table = table;
        _ordinals = Ordinals(table);
        IsKeyless = KeylessTable(table);
        _row = null;
    }

    private static bool KeylessTable(Table table) => !table.Columns.Any(c => c.PrimaryKey && c.Name != IdColumn);

    private static Dictionary<string, int> Ordinals(Table table) =>
        table.Columns.Select((column, index) => (column.Name, index)).ToDictionary(pair => pair.Name, pair => pair.index, StringComparer.Ordinal);

    /// <summary>
    /// Writes one record as a row of the <paramref name="kind"/> file: its values where it has them, <paramref name="missing"/>
    /// (null for a replace file, the unmodified marker for an update file) elsewhere, and the system columns.
    /// </summary>
    public void Write(FileKind kind, Record record, object? missing, DateTimeOffset synced, bool deleted, string? rowId)
    {
        var writer = kind == FileKind.Replace ? _replace ??= Open("replace") : _update ??= Open("update");
        var values = _row ??= new object?[Table.Columns.Count];
        Array.Fill(values, missing);
        foreach (var (name, value) in record.Data)
        {
            values[_ordinals[name]] = RecordValues.CellOf(value);
        }

        values[_ordinals[SyncedColumn]] = synced;
        if (_ordinals.TryGetValue(DeletedColumn, out var deletedOrdinal))
        {
            values[deletedOrdinal] = deleted;
        }

        if (rowId is not null)
        {
            values[_ordinals[IdColumn]] = rowId;
        }

        writer.WriteRow(values);
        PendingRows++;
        LastKind = kind;
    }

    /// <summary>True when every column of <paramref name="record"/> is a column of the table.</summary>
    public bool HasColumnsOf(Record record)
    {
        foreach (var name in record.Data.Keys)
        {
            if (!_ordinals.ContainsKey(name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Closes the open files and describes them as a WriteBatch; null when nothing is pending.</summary>
    public WriteBatchRequest? TakeBatch(IDictionary<string, string> configuration)
    {
        if (PendingRows == 0)
        {
            return null;
        }

        var request = new WriteBatchRequest { SchemaName = SchemaName, Table = Table, FileParams = fileParams };
        request.Configuration.Add(configuration);
        foreach (var (writer, files) in new[] { (_replace, request.ReplaceFiles), (_update, request.UpdateFiles) })
        {
            if (writer is null)
            {
                continue;
            }

            writer.Dispose();
            files.Add(writer.Path);
            if (writer.Key is not null)
            {
                request.Keys.Add(writer.Path, ByteString.CopyFrom(writer.Key));
            }
        }

        _replace = null;
        _update = null;
        PendingRows = 0;
        LastKind = null;
        return request;
    }

    public static void DeleteFiles(WriteBatchRequest request)
    {
        foreach (var path in request.ReplaceFiles.Concat(request.UpdateFiles).Concat(request.DeleteFiles))
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        foreach (var writer in new[] { _replace, _update })
        {
            if (writer is not null)
            {
                writer.Dispose();
                File.Delete(writer.Path);
            }
        }
    }

    private BatchFileWriter Open(string kind)
    {
        var name = $"{tableNumber}-{Sanitise(Table.Name)}-{++_fileNumber}-{kind}.csv" + fileParams.Compression switch
        {
            Compression.Zstd => ".zst",
            Compression.Gzip => ".gz",
            _ => string.Empty,
        } + (fileParams.Encryption == Encryption.Aes ? ".aes" : string.Empty);
        return BatchFileWriter.Create(Path.Combine(workDirectory, name), fileParams, Table.Columns.Select(c => c.Name).ToList());
    }

    private static string Sanitise(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_'));
}

internal enum FileKind
{
    Replace,
    Update,
}
