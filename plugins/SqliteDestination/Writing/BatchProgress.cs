using Microsoft.Extensions.Logging;

namespace SqliteDestination.Writing;

/// <summary>
/// Per-file and per-row bookkeeping of a batch: the row-size limit, a cancellation check on every file and row (a
/// field read; a call whose client has gone stops at once instead of reading on), and a progress line every
/// <see cref="LogInterval"/> rows.
/// </summary>
internal sealed class BatchProgress
{
    public const long LogInterval = 100_000;
    private readonly ILogger _logger;
    private readonly string _table;
    private readonly CancellationToken _cancellationToken;

    public BatchProgress(ILogger logger, string table, int maxRowBytes, CancellationToken cancellationToken)
    {
        _logger = logger;
        _table = table;
        MaxRowBytes = maxRowBytes;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The longest batch-file row accepted (the operator's maxRowBytes).</summary>
    public int MaxRowBytes { get; }

    /// <summary>Called as each batch file is opened, before any of its rows.</summary>
    public void FileOpened(BatchFile file, string kind)
    {
        _logger.LogDebug("Reading {Kind} file {File} for {Table}", kind, file.Reader.FilePath, _table);
        _cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A row the guide makes a no-op (e.g. an update of a record that does not exist): said at debug level.</summary>
    public void RowSkipped(BatchFile file, string why) =>
        _logger.LogDebug("Skipped row {Row} of batch file {File} for {Table}: {Why}", file.Reader.RowNumber, file.Reader.FilePath, _table, why);

    public void RowApplied(BatchFile file)
    {
        var row = file.Reader.RowNumber;
        _cancellationToken.ThrowIfCancellationRequested();

        if (row % LogInterval == 0)
        {
            _logger.LogInformation("Applied {Rows} rows of batch file {File} to {Table} (not yet committed)", row, file.Reader.FilePath, _table);
        }
    }
}
