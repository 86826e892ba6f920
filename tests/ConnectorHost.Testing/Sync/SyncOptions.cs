using FivetranSdk.V2;

namespace ConnectorHost.Testing.Sync;

/// <summary>How one local sync runs.</summary>
public sealed class SyncOptions
{
    public required IDictionary<string, string> SourceConfiguration { get; init; }

    public required IDictionary<string, string> DestinationConfiguration { get; init; }

    /// <summary>Where the state of the last accepted checkpoint is kept between syncs.</summary>
    public required string StateFile { get; init; }

    /// <summary>Where batch files are written (encrypted) until the destination has read them.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The destination schema for records of a source that names none.</summary>
    public string DefaultSchema { get; init; } = "debug";

    /// <summary>Rows of one table written to files before they are sent to the destination without waiting for a checkpoint.</summary>
    public long MaxRowsPerBatch { get; init; } = 1_000_000;

    public Compression Compression { get; init; } = Compression.Zstd;

    /// <summary>Run the ConfigurationForm's tests of both sides before syncing.</summary>
    public bool RunConnectionTests { get; init; } = true;

    /// <summary>The time written into <c>_fivetran_synced</c>; the sync's start by default.</summary>
    public DateTimeOffset? SyncStart { get; init; }
}
