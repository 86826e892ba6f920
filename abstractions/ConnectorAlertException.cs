namespace ConnectorHost.Abstractions;

/// <summary>How a problem the customer should see is relayed to Fivetran (the development guide's "User alerts").</summary>
public enum ConnectorAlertKind
{
    /// <summary>The customer must act: the sync stops and the dashboard shows the message with how to fix it.</summary>
    Task,
    /// <summary>Minor: the dashboard shows the message and the sync goes on.</summary>
    Warning,
}

/// <summary>
/// Throw from any RPC to answer a Fivetran <c>Task</c> or <c>Warning</c> instead of a result or an error status.
/// Use it where the customer is the one who can fix the problem (their credentials, permissions, disk, a setting),
/// and write the fix into the message. Malformed requests or batch files from the platform stay
/// <see cref="ConnectorException"/>s: the customer cannot fix those.
/// </summary>
public sealed class ConnectorAlertException : Exception
{
    public ConnectorAlertException(ConnectorAlertKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ConnectorAlertKind Kind { get; }

    /// <summary>The customer must act before the sync can go on.</summary>
    public static ConnectorAlertException Task(string message, Exception? innerException = null) =>
        new(ConnectorAlertKind.Task, message, innerException);

    /// <summary>The customer should know; nothing stops.</summary>
    public static ConnectorAlertException Warning(string message, Exception? innerException = null) =>
        new(ConnectorAlertKind.Warning, message, innerException);
}
