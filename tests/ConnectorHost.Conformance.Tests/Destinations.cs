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

/// <summary>Needs the test server: `eval "$(tests/postgres/start.sh)"` first (./test.sh does it); fails without it.</summary>
public sealed class PostgresConformance : DestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync() => PostgresUnderTest.StartAsync();
}
