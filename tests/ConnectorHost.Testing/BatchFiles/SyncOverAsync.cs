namespace ConnectorHost.Testing.BatchFiles;

/// <summary>
/// Parquet.Net only has async calls; the writer's row API is synchronous and its streams complete synchronously,
/// but should the library yield, its continuation must not be posted to a synchronization context whose thread is
/// the one blocked here (test runners and UI hosts have one): run without one, so it resumes on the thread pool.
/// </summary>
internal static class SyncOverAsync
{
    public static T Run<T>(Func<ValueTask<T>> call)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return call().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    public static void Run(Func<ValueTask> call) => Run(() => new ValueTask<bool>(Complete(call)));

    private static async Task<bool> Complete(Func<ValueTask> call)
    {
        await call().ConfigureAwait(false);
        return true;
    }

    public static T Run<T>(Func<Task<T>> call) => Run(() => new ValueTask<T>(call()));
}
