namespace ConnectorHost.Abstractions;

/// <summary>What kind of failure a plugin reports; the host maps each to a gRPC status code.</summary>
public enum ConnectorErrorKind
{
    /// <summary>The request (or a file it names) is malformed: INVALID_ARGUMENT.</summary>
    InvalidArgument,
    /// <summary>Something the request names does not exist: NOT_FOUND.</summary>
    NotFound,
    /// <summary>The request conflicts with existing state (e.g. table already exists): ALREADY_EXISTS.</summary>
    AlreadyExists,
    /// <summary>The system is not in a state to do this: FAILED_PRECONDITION.</summary>
    FailedPrecondition,
    /// <summary>The plugin does not implement this: UNIMPLEMENTED.</summary>
    Unimplemented,
    /// <summary>A backing service is unreachable; retrying may help: UNAVAILABLE.</summary>
    Unavailable,
    /// <summary>Anything else: INTERNAL.</summary>
    Internal,
}

/// <summary>
/// A failure with a message meant for the user. The host answers the call with the matching gRPC status and
/// this message (never a stack trace), and logs it at SEVERE. Keep secrets out of the message.
/// </summary>
public class ConnectorException : Exception
{
    public ConnectorException(ConnectorErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ConnectorErrorKind Kind { get; }
}
