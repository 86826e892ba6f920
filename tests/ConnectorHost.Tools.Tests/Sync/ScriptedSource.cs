using System.Runtime.CompilerServices;
using ConnectorHost.Testing.Sync;
using FivetranSdk.V2;
using ProtoValue = FivetranSdk.V2.ValueType;

namespace ConnectorHost.Tools.Tests.Sync;

/// <summary>A source that answers a fixed schema and streams a fixed list of responses; it records the state it was given.</summary>
public sealed class ScriptedSource(SchemaResponse schema, params UpdateResponse[] responses) : ISyncSource
{
    public string? ReceivedState { get; private set; }

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Task.FromResult(new ConfigurationFormResponse());

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => Task.FromResult(new TestResponse { Success = true });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) => Task.FromResult(schema);

    public async IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ReceivedState = request.HasStateJson ? request.StateJson : null;
        foreach (var response in responses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return response;
        }

        await Task.CompletedTask;
    }

    public static SchemaResponse Tables(params Table[] tables)
    {
        var list = new TableList();
        list.Tables.AddRange(tables);
        return new SchemaResponse { WithoutSchema = list };
    }

    public static Table Table(string name, params Column[] columns)
    {
        var table = new Table { Name = name };
        table.Columns.AddRange(columns);
        return table;
    }

    public static UpdateResponse Record(string table, RecordType type, params (string Name, object? Value)[] values)
    {
        var record = new Record { TableName = table, Type = type };
        foreach (var (name, value) in values)
        {
            record.Data[name] = value switch
            {
                null => new ProtoValue { Null = true },
                string s => new ProtoValue { String = s },
                int i => new ProtoValue { Int = i },
                long l => new ProtoValue { Long = l },
                double d => new ProtoValue { Double = d },
                bool b => new ProtoValue { Bool = b },
                _ => throw new ArgumentException($"No test conversion for {value.GetType()}"),
            };
        }

        return new UpdateResponse { Record = record };
    }

    public static UpdateResponse Checkpoint(string state) => new() { Checkpoint = new Checkpoint { StateJson = state } };
}
