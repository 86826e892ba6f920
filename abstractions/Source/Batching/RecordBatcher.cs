using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// The <see cref="IUpdateOutput"/> a sync writes into: queues records into <c>records</c> batches capped by count and by
/// serialized size, and sends every other operation after the records written before it.
/// </summary>
/// <remarks>
/// Size bookkeeping is O(1) per record: the serialized size of <c>Records</c> is the sum over its records of the tag
/// byte, the varint length and the record's own size, so the batch is never re-serialized to measure it.
/// One writer at a time (a sync is sequential); not thread-safe.
/// </remarks>
public sealed class RecordBatcher : IUpdateOutput
{
    /// <summary>Field 1 of <c>Records</c>, wire type 2 (length-delimited): one byte.</summary>
    private const int RecordTagSize = 1;

    private static readonly Action<ILogger, string, int, int, Exception?> LogOversizedRecord =
        LoggerMessage.Define<string, int, int>(LogLevel.Warning, new EventId(1, "OversizedRecord"),
            "A record for table {Table} is {Bytes} bytes serialized, more than the {MaxBatchBytes}-byte batch cap: " +
            "sending it alone as a single record");

    private readonly IUpdateResponseSink _sink;
    private readonly ILogger? _logger;
    private readonly int _maxRecords;
    private readonly int _maxBytes;

    private Records _pending;
    private int _pendingCount;
    private int _pendingBytes;
    private bool _endedByTask;

    public RecordBatcher(IUpdateResponseSink sink, RecordBatchOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        options ??= RecordBatchOptions.Default;
        _sink = sink;
        _logger = logger;
        _maxRecords = options.MaxRecordsPerBatch;
        _maxBytes = options.MaxBatchBytes;
        _pending = NewBatch();
    }

    /// <summary>Records written so far (batched or single).</summary>
    public long RecordCount { get; private set; }

    /// <summary>UpdateResponse messages sent to the sink so far.</summary>
    public long ResponseCount { get; private set; }

    /// <summary>True once a task has been sent: the stream is over and nothing more may be written.</summary>
    public bool IsEnded => _endedByTask;

    public ValueTask WriteRecordAsync(Record record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfEnded();
        RecordCount++;

        int size = record.CalculateSize();
        int framedSize = RecordTagSize + CodedOutputStream.ComputeLengthSize(size) + size;

        if (framedSize > _maxBytes)
        {
            return WriteOversizedAsync(record, framedSize, cancellationToken);
        }

        if (_pendingBytes + framedSize > _maxBytes)
        {
            return FlushThenQueueAsync(record, framedSize, cancellationToken);
        }

        return Queue(record, framedSize, cancellationToken);
    }

    public async ValueTask WriteSingleRecordAsync(Record record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfEnded();
        RecordCount++;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(new UpdateResponse { Record = record }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask CheckpointAsync(string stateJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateJson);
        return SendAfterPendingAsync(new UpdateResponse { Checkpoint = new Checkpoint { StateJson = stateJson } }, cancellationToken);
    }

    public ValueTask WarningAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAfterPendingAsync(new UpdateResponse { Warning = new Warning { Message = message } }, cancellationToken);
    }

    public async ValueTask TaskAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await SendAfterPendingAsync(new UpdateResponse { Task = new FivetranSdk.V2.Task { Message = message } }, cancellationToken)
            .ConfigureAwait(false);
        _endedByTask = true;
    }

    public ValueTask SchemaChangeAsync(SchemaChange schemaChange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schemaChange);
        return SendAfterPendingAsync(new UpdateResponse { SchemaChange = schemaChange }, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_pendingCount == 0)
        {
            return default;
        }

        var batch = _pending;
        _pending = NewBatch();
        _pendingCount = 0;
        _pendingBytes = 0;
        return SendAsync(new UpdateResponse { Records = batch }, cancellationToken);
    }

    private ValueTask Queue(Record record, int framedSize, CancellationToken cancellationToken)
    {
        _pending.Records_.Add(record);
        _pendingBytes += framedSize;
        // A full batch (by count) goes out at once; a batch full by bytes is only known when the next record arrives.
        return ++_pendingCount == _maxRecords ? FlushAsync(cancellationToken) : default;
    }

    private async ValueTask FlushThenQueueAsync(Record record, int framedSize, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await Queue(record, framedSize, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteOversizedAsync(Record record, int framedSize, CancellationToken cancellationToken)
    {
        if (_logger is not null)
        {
            LogOversizedRecord(_logger, QualifiedTableName(record), framedSize, _maxBytes, null);
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(new UpdateResponse { Record = record }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendAfterPendingAsync(UpdateResponse response, CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask SendAsync(UpdateResponse response, CancellationToken cancellationToken)
    {
        ResponseCount++;
        return _sink.WriteAsync(response, cancellationToken);
    }

    private void ThrowIfEnded()
    {
        if (_endedByTask)
        {
            throw new InvalidOperationException(
                "This sync already sent a task, which ends the Update stream (Fivetran stops the sync on a task); " +
                "nothing can be written after it. Return from UpdateAsync after sending a task.");
        }
    }

    private static string QualifiedTableName(Record record) =>
        record.HasSchemaName ? $"{record.SchemaName}.{record.TableName}" : record.TableName;

    private Records NewBatch()
    {
        var batch = new Records();
        batch.Records_.Capacity = _maxRecords;
        return batch;
    }
}
