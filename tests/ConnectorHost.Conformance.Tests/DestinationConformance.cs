using ConnectorHost.Conformance.Tests.Support;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>
/// The destination conformance suite: every case is written once here (split over the partial files beside this
/// one) and runs for each destination × batch-file format through a sealed subclass (see Destinations.cs) that
/// supplies the plugin and its row reader. The format is the plugin's operator setting and the format every batch
/// file of the case is written in; expected rows do not depend on it. Cases about one format's bytes live in
/// <see cref="CsvDestinationConformance"/> and <see cref="ParquetDestinationConformance"/>. A destination that fails
/// a case fails the run.
/// </summary>
public abstract partial class DestinationConformance(BatchFileFormat batchFileFormat) : IAsyncLifetime
{
    private DestinationUnderTest? _destination;
    private ConformanceHarness? _harness;

    /// <summary>A fresh destination on private storage for one test, asking for <paramref name="format"/>.</summary>
    protected abstract Task<DestinationUnderTest> StartDestinationAsync(BatchFileFormat format);

    protected ConformanceHarness H => _harness ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync()
    {
        _destination = await StartDestinationAsync(batchFileFormat);
        _harness = new ConformanceHarness(_destination);
    }

    public async Task DisposeAsync()
    {
        if (_destination is not null)
        {
            await _destination.DisposeAsync();
        }
    }
}
