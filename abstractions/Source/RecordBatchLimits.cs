namespace ConnectorHost.Abstractions.Source;

/// <summary>Fivetran's limits for one UpdateResponse carrying records; batches may be configured smaller, never larger.</summary>
public static class RecordBatchLimits
{
    public const int MaxRecordsPerBatch = 100;

    /// <summary>100 KiB of serialized <c>Records</c>.</summary>
    public const int MaxBatchBytes = 100 * 1024;
}
