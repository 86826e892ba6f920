using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;

namespace ConnectorHost.Plugins;

/// <summary>Which Fivetran contract a plugin serves; decides the contract type and the log origin.</summary>
public enum ConnectorSide
{
    Source,
    Destination,
}

public static class ConnectorSideExtensions
{
    public static Type ContractType(this ConnectorSide side) =>
        side == ConnectorSide.Source ? typeof(ISourceConnector) : typeof(IDestinationConnector);

    public static string LogOrigin(this ConnectorSide side) =>
        side == ConnectorSide.Source ? FivetranLogOrigin.Connector : FivetranLogOrigin.Destination;

    public static string ServiceName(this ConnectorSide side) =>
        side == ConnectorSide.Source ? "fivetran_sdk.v2.SourceConnector" : "fivetran_sdk.v2.DestinationConnector";

    public static string ConfigKey(this ConnectorSide side) => side == ConnectorSide.Source ? "source" : "destination";
}
