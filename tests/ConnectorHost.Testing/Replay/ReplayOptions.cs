using FivetranSdk.V2;

namespace ConnectorHost.Testing.Replay;

/// <summary>How the replayer talks to the destination and makes batch files.</summary>
public sealed record ReplayOptions
{
    /// <summary>The schema every table goes into (the tester's default is <c>tester</c>).</summary>
    public string Schema { get; init; } = "tester";

    /// <summary>The destination's configuration, sent with every request.</summary>
    public Dictionary<string, string> Configuration { get; init; } = new(StringComparer.Ordinal);

    /// <summary>CSV (the platform's default) or Parquet, as a destination's Capabilities would ask for.</summary>
    public BatchFileFormat BatchFileFormat { get; init; } = BatchFileFormat.Csv;

    /// <summary>CSV: the file's compression. Parquet: the codec of its pages (Parquet has no outer compression layer).</summary>
    public Compression Compression { get; init; } = Compression.Zstd;

    public Encryption Encryption { get; init; } = Encryption.Aes;

    /// <summary>Where batch files are written; a fresh temporary folder (removed afterwards) when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Leave the batch files on disk after each call (for debugging a destination).</summary>
    public bool KeepBatchFiles { get; init; }

    /// <summary>
    /// The sync time of the first operation; each later operation is one second later (so a truncate's cut-off
    /// lies after every earlier write). Null: now, to the millisecond.
    /// </summary>
    public DateTimeOffset? SyncStart { get; init; }
}
