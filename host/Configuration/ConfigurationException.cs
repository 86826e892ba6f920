namespace ConnectorHost.Configuration;

/// <summary>Invalid command line or plugins.json; the host prints the message and exits with code 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
