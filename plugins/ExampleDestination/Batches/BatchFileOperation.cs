namespace ExampleDestination.Batches;

/// <summary>The role of a batch file in a WriteBatch or WriteHistoryBatch request (the log names it).</summary>
internal enum BatchFileOperation
{
    EarliestStart,
    Replace,
    Update,
    Delete,
}

internal static class BatchFileOperationNames
{
    public static string Describe(this BatchFileOperation operation) => operation switch
    {
        BatchFileOperation.EarliestStart => "earliest_start",
        BatchFileOperation.Replace => "replace",
        BatchFileOperation.Update => "update",
        BatchFileOperation.Delete => "delete",
        _ => operation.ToString(),
    };
}
