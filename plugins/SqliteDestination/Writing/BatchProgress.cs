using Microsoft.Extensions.Logging;

namespace SqliteDestination.Writing;

/// <summary>Per-row bookkeeping of a batch: cancellation checks and a progress line every <see cref="LogInterval"/> rows.</summary>
internal sealed class BatchProgress
{
    public const long LogInterval = 100_000;
    private const long CancellationInterval = 8192;
    private readonly ILogger _logger;
    private readonly string _table;
    private readonly CancellationToken _cancellationToken;

    public BatchProgress(ILogger logger, string table, CancellationToken cancellationToken)
    {
        _logger = logger;
        _table = table;
        _cancellationToken = cancellationToken;
    }

    public void RowApplied(BatchFile file)
    {
        var row = file.Reader.RowNumber;
        if (row % CancellationInterval == 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
        }

        if (row % LogInterval == 0)
        {
            _logger.LogInformation("Applied {Rows} rows of batch file {File} to {Table} (not yet committed)", row, file.Reader.FilePath, _table);
        }
    }
}
