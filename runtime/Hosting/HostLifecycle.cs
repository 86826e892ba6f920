namespace ConnectorHost.Hosting;

/// <summary>Where the host is in its life; readable by anything that reports health.</summary>
public enum HostState
{
    Starting,
    Serving,
    Draining,
    Stopped,
}

/// <summary>
/// The host's lifecycle: its <see cref="State"/>, and the token that cancels every in-flight call once the
/// shutdown grace period is over.
/// </summary>
public sealed class HostLifecycle
{
    private readonly CancellationTokenSource _abortCalls = new();
    private volatile HostState _state = HostState.Starting;

    public HostState State => _state;

    /// <summary>Cancelled when in-flight calls must stop (shutdown grace period over).</summary>
    public CancellationToken CallsAborted => _abortCalls.Token;

    public event Action<HostState>? StateChanged;

    public void MarkServing() => Move(HostState.Serving);

    public void BeginDraining() => Move(HostState.Draining);

    public void AbortInFlightCalls() => _abortCalls.Cancel();

    public void MarkStopped() => Move(HostState.Stopped);

    private void Move(HostState state)
    {
        _state = state;
        StateChanged?.Invoke(state);
    }
}
