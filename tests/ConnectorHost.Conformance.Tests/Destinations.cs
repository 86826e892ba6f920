using ConnectorHost.Conformance.Tests.Support;
using FivetranSdk.V2;

namespace ConnectorHost.Conformance.Tests;

public sealed class SqliteCsvConformance : CsvDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => Task.FromResult<DestinationUnderTest>(new SqliteUnderTest(format));
}

public sealed class SqliteParquetConformance : ParquetDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => Task.FromResult<DestinationUnderTest>(new SqliteUnderTest(format));
}

public sealed class DuckDbCsvConformance : CsvDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => Task.FromResult<DestinationUnderTest>(new DuckDbUnderTest(format));
}

public sealed class DuckDbParquetConformance : ParquetDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => Task.FromResult<DestinationUnderTest>(new DuckDbUnderTest(format));
}

/// <summary>Needs the test server: `eval "$(tests/postgres/start.sh)"` first (./test.sh does it); fails without it.</summary>
public sealed class PostgresCsvConformance : CsvDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => PostgresUnderTest.StartAsync(format);
}

/// <summary>Needs the test server, as <see cref="PostgresCsvConformance"/>.</summary>
public sealed class PostgresParquetConformance : ParquetDestinationConformance
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => PostgresUnderTest.StartAsync(format);
}

/// <summary>
/// The same cases end to end: the real host loads PostgresDestination from artifacts/plugins (with the format's
/// operator setting in plugins.json) and every call goes over gRPC (the row reader still queries the server directly).
/// </summary>
public sealed class PostgresThroughHostCsvConformance(PostgresCsvHostFixture host) : CsvDestinationConformance, Xunit.IClassFixture<PostgresCsvHostFixture>
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => PostgresUnderTest.StartAsync(format, host.Connector);
}

/// <inheritdoc cref="PostgresThroughHostCsvConformance"/>
public sealed class PostgresThroughHostParquetConformance(PostgresParquetHostFixture host) : ParquetDestinationConformance, Xunit.IClassFixture<PostgresParquetHostFixture>
{
    protected override Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format) => PostgresUnderTest.StartAsync(format, host.Connector);
}
