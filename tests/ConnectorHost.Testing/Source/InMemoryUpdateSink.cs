using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace ConnectorHost.Testing.Source;

/// <summary>Keeps every UpdateResponse a <see cref="RecordBatcher"/> sends, in order.</summary>
public sealed class InMemoryUpdateSink : IUpdateResponseSink
{
    private readonly List<UpdateResponse> _responses = [];

    public IReadOnlyList<UpdateResponse> Responses => _responses;

    public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _responses.Add(response);
        return default;
    }

    /// <summary>The stream as short tokens: "records(100)", "record", "checkpoint", "warning", "task", "schema_change".</summary>
    public IReadOnlyList<string> Shape() => _responses.Select(Describe).ToList();

    public static string Describe(UpdateResponse response) => response.OperationCase switch
    {
        UpdateResponse.OperationOneofCase.Records => $"records({response.Records.Records_.Count})",
        UpdateResponse.OperationOneofCase.Record => "record",
        UpdateResponse.OperationOneofCase.Checkpoint => "checkpoint",
        UpdateResponse.OperationOneofCase.Warning => "warning",
        UpdateResponse.OperationOneofCase.Task => "task",
        UpdateResponse.OperationOneofCase.SchemaChange => "schema_change",
        _ => "none",
    };

    /// <summary>Every record sent, batched or single, in order.</summary>
    public IEnumerable<Record> AllRecords() => _responses.SelectMany(r => r.OperationCase switch
    {
        UpdateResponse.OperationOneofCase.Records => r.Records.Records_,
        UpdateResponse.OperationOneofCase.Record => [r.Record],
        _ => Enumerable.Empty<Record>(),
    });
}
