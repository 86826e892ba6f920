using ConnectorHost.Conformance.Tests.Support;

namespace ConnectorHost.Conformance.Tests;

public sealed class SqliteConformance : DestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync() => Task.FromResult<DestinationUnderTest>(new SqliteUnderTest());
}

public sealed class DuckDbConformance : DestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync() => Task.FromResult<DestinationUnderTest>(new DuckDbUnderTest());
}
