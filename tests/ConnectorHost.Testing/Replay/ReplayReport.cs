namespace ConnectorHost.Testing.Replay;

/// <summary>How one destination call ended.</summary>
public enum ReplayOutcome
{
    /// <summary>The call answered success (or, for DescribeTable, a table or not_found).</summary>
    Success,

    /// <summary>Migrate answered <c>unsupported</c>.</summary>
    Unsupported,

    /// <summary>The call answered a Warning.</summary>
    Warning,

    /// <summary>The call answered a Task (something the customer has to fix).</summary>
    Task,

    /// <summary>The call failed with a gRPC status other than OK.</summary>
    Failed,
}

/// <summary>
/// One destination call the replayer made: which tester operation it stands for, the RPC, the table, a one-line
/// summary of the request (files, rows, migration), and how it ended, with the destination's status and message.
/// </summary>
public sealed record ReplayCall(
    string InputFile,
    string Operation,
    string Rpc,
    string Table,
    string Request,
    ReplayOutcome Outcome,
    string? Status,
    string? Message,
    string? Response,
    TimeSpan Duration,
    bool UnsupportedExpected = false)
{
    /// <summary>Success, or <c>unsupported</c> where that is the contract's answer (the LIVE sync-mode migrations).</summary>
    public bool Succeeded => Outcome is ReplayOutcome.Success || (UnsupportedExpected && Outcome is ReplayOutcome.Unsupported);
}

/// <summary>Every call of one replay, in order (UI-free: a CLI prints or serialises it).</summary>
public sealed class ReplayReport
{
    private readonly List<ReplayCall> _calls = [];

    public IReadOnlyList<ReplayCall> Calls => _calls;

    /// <summary>Input files that could not be read at all (name → problem).</summary>
    public Dictionary<string, string> InputErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>True when every call answered success and every input file could be read.</summary>
    public bool Succeeded => InputErrors.Count == 0 && _calls.All(c => c.Succeeded);

    public IEnumerable<ReplayCall> Failures => _calls.Where(c => !c.Succeeded);

    /// <summary>Fired after every call (for a live progress line).</summary>
    public event Action<ReplayCall>? CallCompleted;

    internal void Completed(ReplayCall call)
    {
        _calls.Add(call);
        CallCompleted?.Invoke(call);
    }
}
