using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace ExampleSource;

/// <summary>
/// One sync, as Fivetran's Python example emits it: (1) UPSERTs of table1 rows a-0 … a-{n-1} (n = 3 unless
/// <see cref="LoadKnob"/> says otherwise) and of table2's row, batched; (2) a single UPDATE record; (3) a single
/// DELETE record; (4) a checkpoint. The cursor advances by one per record: N + n + 3.
/// </summary>
internal sealed class ExampleSync(ILogger logger)
{
    public async Task RunAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken)
    {
        var state = SyncCursor.Parse(request.HasStateJson ? request.StateJson : null);
        long startCursor = state.Value;
        int table1Upserts = LoadKnob.Table1Upserts(request.Configuration);
        long cursor = startCursor;
        logger.LogInformation("Sync starting at cursor {Cursor} with {Table1Upserts} table1 upserts", startCursor, table1Upserts);

        // One row dictionary reused for every table1 row: SourceRecords copies the values into each record.
        var row = new Dictionary<string, object?>(2);
        for (int t = 0; t < table1Upserts; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            row["a1"] = $"a-{t}";
            row["a2"] = t * 0.234;
            await output.UpsertAsync(ExampleSourceSchema.Table1, row, cancellationToken: cancellationToken);
            cursor++;
        }

        await output.UpsertAsync(ExampleSourceSchema.Table2, new Dictionary<string, object?> { ["b1"] = "b1", ["b2"] = "ben" },
            cancellationToken: cancellationToken);
        cursor++;

        // The Python example sends these two on their own, not batched.
        await output.WriteSingleRecordAsync(
            SourceRecords.Update(ExampleSourceSchema.Table1, new Dictionary<string, object?> { ["a1"] = "a-0", ["a2"] = 110.234 }),
            cancellationToken);
        cursor++;
        await output.WriteSingleRecordAsync(
            SourceRecords.Delete(ExampleSourceSchema.Table1, new Dictionary<string, object?> { ["a1"] = "a-2" }),
            cancellationToken);
        cursor++;

        // Written as text, not with CheckpointAsync<T>: the state must read exactly as Python's json.dumps writes it.
        await output.CheckpointAsync(state.Format(cursor), cancellationToken);
        logger.LogInformation("Sync done: {Records} records emitted, checkpoint at cursor {Cursor}", cursor - startCursor, cursor);
    }
}
