namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// Caps for one <c>records</c> batch. They may be set lower than Fivetran's limits (<see cref="RecordBatchLimits"/>),
/// never higher.
/// </summary>
public sealed class RecordBatchOptions
{
    private readonly int _maxRecordsPerBatch = RecordBatchLimits.MaxRecordsPerBatch;
    private readonly int _maxBatchBytes = RecordBatchLimits.MaxBatchBytes;

    public static RecordBatchOptions Default { get; } = new();

    /// <summary>At most this many records per <c>records</c> message (1 to <see cref="RecordBatchLimits.MaxRecordsPerBatch"/>).</summary>
    public int MaxRecordsPerBatch
    {
        get => _maxRecordsPerBatch;
        init => _maxRecordsPerBatch = InRange(value, RecordBatchLimits.MaxRecordsPerBatch, nameof(MaxRecordsPerBatch));
    }

    /// <summary>
    /// At most this many bytes of serialized <c>Records</c> per message (1 to <see cref="RecordBatchLimits.MaxBatchBytes"/>).
    /// A record larger than this on its own is sent alone as a single <c>record</c>.
    /// </summary>
    public int MaxBatchBytes
    {
        get => _maxBatchBytes;
        init => _maxBatchBytes = InRange(value, RecordBatchLimits.MaxBatchBytes, nameof(MaxBatchBytes));
    }

    private static int InRange(int value, int fivetranLimit, string name)
    {
        if (value < 1 || value > fivetranLimit)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be between 1 and {fivetranLimit} (Fivetran's limit); it can be lowered, never raised.");
        }

        return value;
    }
}
