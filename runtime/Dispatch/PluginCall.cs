namespace ConnectorHost.Dispatch;

/// <summary>
/// What dispatch needs to know about one call, whoever makes it (the gRPC services or an in-process tool):
/// the token that fires when the caller cancels or its deadline passes, and the deadline itself (to tell the two apart).
/// </summary>
public readonly record struct PluginCall(CancellationToken CallToken, DateTime? Deadline)
{
    /// <summary>An in-process call with no deadline.</summary>
    public static PluginCall Unbounded(CancellationToken token = default) => new(token, null);
}
