using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Google.Protobuf;
using ProtoValue = FivetranSdk.V2.ValueType;

namespace ConnectorHost.Testing.Source;

/// <summary>
/// The <see cref="IUpdateOutput"/> to hand a source plugin in a unit test: it batches exactly as the host does and
/// keeps what the plugin wrote, in order, with a check that every message keeps Fivetran's batching limits.
/// </summary>
public sealed class RecordingUpdateOutput : IUpdateOutput
{
    private readonly InMemoryUpdateSink _sink = new();
    private readonly RecordBatcher _batcher;
    private readonly RecordBatchOptions _options;

    public RecordingUpdateOutput(RecordBatchOptions? options = null)
    {
        _options = options ?? RecordBatchOptions.Default;
        _batcher = new RecordBatcher(_sink, _options);
    }

    /// <summary>Every UpdateResponse the host would have sent, in order (call <see cref="FlushAsync"/> first, as the host does).</summary>
    public IReadOnlyList<UpdateResponse> Responses => _sink.Responses;

    /// <summary>The stream as short tokens: "records(100)", "record", "checkpoint", "warning", "task", "schema_change".</summary>
    public IReadOnlyList<string> Shape() => _sink.Shape();

    /// <summary>Every record, batched or single, in order.</summary>
    public IReadOnlyList<Record> Records => _sink.AllRecords().ToList();

    /// <summary>The records of one table, in order.</summary>
    public IReadOnlyList<Record> RecordsOf(string table) => Records.Where(r => r.TableName == table).ToList();

    public IReadOnlyList<string> Checkpoints => Responses.Where(r => r.OperationCase == UpdateResponse.OperationOneofCase.Checkpoint).Select(r => r.Checkpoint.StateJson).ToList();

    public IReadOnlyList<string> Warnings => Responses.Where(r => r.OperationCase == UpdateResponse.OperationOneofCase.Warning).Select(r => r.Warning.Message).ToList();

    public IReadOnlyList<string> Tasks => Responses.Where(r => r.OperationCase == UpdateResponse.OperationOneofCase.Task).Select(r => r.Task.Message).ToList();

    /// <summary>A record's values as plain .NET values (string, long, double, bool, ...; null for null).</summary>
    public static IReadOnlyDictionary<string, object?> Values(Record record) =>
        record.Data.ToDictionary(pair => pair.Key, pair => Plain(pair.Value));

    /// <summary>
    /// Throws when a message breaks the limits Fivetran's platform relies on: more records or more serialized bytes in
    /// one <c>records</c> batch than allowed, or a checkpoint sent before records that were written earlier.
    /// </summary>
    public void AssertWithinLimits()
    {
        foreach (var response in Responses.Where(r => r.OperationCase == UpdateResponse.OperationOneofCase.Records))
        {
            var count = response.Records.Records_.Count;
            var bytes = response.Records.CalculateSize();
            if (count > _options.MaxRecordsPerBatch || bytes > _options.MaxBatchBytes)
            {
                throw new InvalidOperationException(
                    $"A records batch holds {count} records and {bytes} bytes; the limits are {_options.MaxRecordsPerBatch} records and {_options.MaxBatchBytes} bytes.");
            }
        }
    }

    public ValueTask WriteRecordAsync(Record record, CancellationToken cancellationToken = default) => _batcher.WriteRecordAsync(record, cancellationToken);

    public ValueTask WriteSingleRecordAsync(Record record, CancellationToken cancellationToken = default) => _batcher.WriteSingleRecordAsync(record, cancellationToken);

    public ValueTask CheckpointAsync(string stateJson, CancellationToken cancellationToken = default) => _batcher.CheckpointAsync(stateJson, cancellationToken);

    public ValueTask WarningAsync(string message, CancellationToken cancellationToken = default) => _batcher.WarningAsync(message, cancellationToken);

    public ValueTask TaskAsync(string message, CancellationToken cancellationToken = default) => _batcher.TaskAsync(message, cancellationToken);

    public ValueTask SchemaChangeAsync(SchemaChange schemaChange, CancellationToken cancellationToken = default) => _batcher.SchemaChangeAsync(schemaChange, cancellationToken);

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _batcher.FlushAsync(cancellationToken);

    private static object? Plain(ProtoValue value) => value.InnerCase switch
    {
        ProtoValue.InnerOneofCase.Bool => value.Bool,
        ProtoValue.InnerOneofCase.Short => (short)value.Short,
        ProtoValue.InnerOneofCase.Int => value.Int,
        ProtoValue.InnerOneofCase.Long => value.Long,
        ProtoValue.InnerOneofCase.Float => value.Float,
        ProtoValue.InnerOneofCase.Double => value.Double,
        ProtoValue.InnerOneofCase.NaiveDate => DateOnly.FromDateTime(value.NaiveDate.ToDateTime()),
        ProtoValue.InnerOneofCase.NaiveDatetime => DateTime.SpecifyKind(value.NaiveDatetime.ToDateTime(), DateTimeKind.Unspecified),
        ProtoValue.InnerOneofCase.UtcDatetime => new DateTimeOffset(value.UtcDatetime.ToDateTime()),
        ProtoValue.InnerOneofCase.NaiveTime => TimeOnly.FromDateTime(value.NaiveTime.ToDateTime()),
        ProtoValue.InnerOneofCase.Decimal => value.Decimal,
        ProtoValue.InnerOneofCase.Binary => value.Binary.ToByteArray(),
        ProtoValue.InnerOneofCase.String => value.String,
        ProtoValue.InnerOneofCase.Json => value.Json,
        ProtoValue.InnerOneofCase.Xml => value.Xml,
        _ => null,
    };
}
