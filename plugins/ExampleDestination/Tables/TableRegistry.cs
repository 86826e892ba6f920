using System.Collections.Concurrent;
using FivetranSdk.V2;

namespace ExampleDestination.Tables;

/// <summary>The example destination's only state: table definitions by schema and name, safe for concurrent calls.</summary>
internal sealed class TableRegistry
{
    private readonly ConcurrentDictionary<(string Schema, string Table), Table> _tables = new();

    /// <summary>Stores (or replaces) a table; a copy is kept so later changes to the request cannot alter it.</summary>
    public void Store(string schema, Table table) => _tables[(schema, table.Name)] = table.Clone();

    public Table? Find(string schema, string tableName) =>
        _tables.TryGetValue((schema, tableName), out var table) ? table.Clone() : null;
}
