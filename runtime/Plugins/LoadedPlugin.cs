namespace ConnectorHost.Plugins;

/// <summary>A plugin ready to serve: its instance of the side's contract and what to tell about it.</summary>
public sealed record LoadedPlugin<TContract>(
    string Name,
    string Version,
    string Directory,
    ConnectorSide Side,
    TContract Connector)
    where TContract : class;
