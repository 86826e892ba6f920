using ConnectorHost.Abstractions.Source;

namespace OldAbstractionsPlugin;

public sealed class FutureSource : ISourceConnector
{
}
