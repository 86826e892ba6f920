using ConnectorHost.Conformance.Tests.Support;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>
/// The destination conformance suite: every case is written once here (split over the partial files beside this
/// one) and runs against each destination through a sealed subclass (see Destinations.cs) that supplies the
/// plugin and its row reader. A destination that fails a case fails the run.
/// </summary>
public abstract partial class DestinationConformance : IAsyncLifetime
{
    private DestinationUnderTest? _destination;
    private ConformanceHarness? _harness;

    /// <summary>A fresh destination on private storage for one test.</summary>
    protected abstract Task<DestinationUnderTest> StartDestinationAsync();

    protected ConformanceHarness H => _harness ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync()
    {
        _destination = await StartDestinationAsync();
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
