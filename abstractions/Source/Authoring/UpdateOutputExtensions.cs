using System.Text.Json;

namespace ConnectorHost.Abstractions.Source;

/// <summary>Row-level conveniences over <see cref="IUpdateOutput"/>; every record goes through the output's batching.</summary>
public static class UpdateOutputExtensions
{
    public static ValueTask UpsertAsync(this IUpdateOutput output, string table, IReadOnlyDictionary<string, object?> row,
        string? schema = null, CancellationToken cancellationToken = default) =>
        output.WriteRecordAsync(SourceRecords.Upsert(table, row, schema), cancellationToken);

    public static ValueTask UpdateAsync(this IUpdateOutput output, string table, IReadOnlyDictionary<string, object?> row,
        string? schema = null, CancellationToken cancellationToken = default) =>
        output.WriteRecordAsync(SourceRecords.Update(table, row, schema), cancellationToken);

    public static ValueTask DeleteAsync(this IUpdateOutput output, string table, IReadOnlyDictionary<string, object?> primaryKey,
        string? schema = null, CancellationToken cancellationToken = default) =>
        output.WriteRecordAsync(SourceRecords.Delete(table, primaryKey, schema), cancellationToken);

    public static ValueTask TruncateAsync(this IUpdateOutput output, string table, string? schema = null,
        CancellationToken cancellationToken = default) =>
        output.WriteRecordAsync(SourceRecords.Truncate(table, schema), cancellationToken);

    /// <summary>
    /// Checkpoints <paramref name="state"/> serialized with System.Text.Json (Fivetran hands it back as
    /// <c>state_json</c> on the next sync). A string argument binds to <see cref="IUpdateOutput.CheckpointAsync"/>
    /// and is sent as the JSON text itself.
    /// </summary>
    public static ValueTask CheckpointAsync<TState>(this IUpdateOutput output, TState state,
        CancellationToken cancellationToken = default) =>
        output.CheckpointAsync(state, JsonSerializerOptions.Default, cancellationToken);

    /// <inheritdoc cref="CheckpointAsync{TState}(IUpdateOutput, TState, CancellationToken)"/>
    public static ValueTask CheckpointAsync<TState>(this IUpdateOutput output, TState state, JsonSerializerOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        return output.CheckpointAsync(JsonSerializer.Serialize(state, options), cancellationToken);
    }
}
