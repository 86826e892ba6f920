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

/// <summary>
/// The same cases end to end: the real host loads PostgresDestination from artifacts/plugins and every call goes
/// over gRPC (the row reader still queries the server directly).
/// </summary>
public sealed class PostgresThroughHostConformance(PostgresHostFixture host) : DestinationConformance, Xunit.IClassFixture<PostgresHostFixture>
{
    protected override Task<DestinationUnderTest> StartDestinationAsync() => PostgresUnderTest.StartAsync(host.Connector);
}
