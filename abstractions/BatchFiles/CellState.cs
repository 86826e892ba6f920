namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>What a batch-file cell holds.</summary>
public enum CellState
{
    /// <summary>A real value (possibly the empty string).</summary>
    Value,

    /// <summary>The cell equals the request's <c>file_params.null_string</c>: SQL NULL.</summary>
    Null,

    /// <summary>The cell equals <c>file_params.unmodified_string</c>: keep the stored value (update files).</summary>
    Unmodified,
}
