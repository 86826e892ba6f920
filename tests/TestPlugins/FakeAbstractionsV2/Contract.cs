namespace ConnectorHost.Abstractions.Source;

/// <summary>A contract type of the pretend version 2 of the abstractions.</summary>
public interface ISourceConnector
{
}
