using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// Where a source plugin writes one sync. The host turns what is written into the UpdateResponse stream.
/// Records are batched (at most <see cref="RecordBatchLimits.MaxRecordsPerBatch"/> records and
/// <see cref="RecordBatchLimits.MaxBatchBytes"/> bytes per message); every other operation first flushes
/// the records written before it, so the client sees them in the order they were written.
/// </summary>
public interface IUpdateOutput
{
    /// <summary>Queues a record; it is sent with the next full batch or before the next non-record operation.</summary>
    ValueTask WriteRecordAsync(Record record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="record"/> on its own as a single <c>record</c> message (never batched), after the records
    /// queued before it. For operations a connector wants to emit individually, as Fivetran's examples do.
    /// </summary>
    ValueTask WriteSingleRecordAsync(Record record, CancellationToken cancellationToken = default);

    ValueTask CheckpointAsync(string stateJson, CancellationToken cancellationToken = default);

    ValueTask WarningAsync(string message, CancellationToken cancellationToken = default);

    /// <summary>Sends a task (something the user must do); the stream ends after it.</summary>
    ValueTask TaskAsync(string message, CancellationToken cancellationToken = default);

    ValueTask SchemaChangeAsync(SchemaChange schemaChange, CancellationToken cancellationToken = default);

    /// <summary>Sends any records still queued. The host calls this when UpdateAsync returns.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
