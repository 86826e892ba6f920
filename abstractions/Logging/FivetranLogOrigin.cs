namespace ConnectorHost.Abstractions.Logging;

/// <summary>Fivetran's <c>message-origin</c> values: which side of the host a log line concerns.</summary>
public static class FivetranLogOrigin
{
    /// <summary>The Serilog property carrying the origin of an event (set by the host's per-side loggers).</summary>
    public const string PropertyName = "MessageOrigin";

    /// <summary>The source side (SourceConnector).</summary>
    public const string Connector = "sdk_connector";

    /// <summary>The destination side (DestinationConnector).</summary>
    public const string Destination = "sdk_destination";
}
