using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace SqliteDestination.Catalog;

/// <summary>A destination table: Fivetran's (schema, table) names, the SQLite table holding it, and its columns in order.</summary>
internal sealed class TableDefinition
{
    public TableDefinition(long id, string schema, string name, string physicalName, IReadOnlyList<ColumnDefinition> columns)
    {
        Id = id;
        Schema = schema;
        Name = name;
        PhysicalName = physicalName;
        Columns = columns;
    }

    public long Id { get; }

    public string Schema { get; }

    public string Name { get; }

    public string PhysicalName { get; }

    public IReadOnlyList<ColumnDefinition> Columns { get; }

    public string DisplayName => $"{Schema}.{Name}";

    public bool IsHistoryMode => Find(SystemColumns.Start) is not null;

    /// <summary>The columns Fivetran flags as primary key (the record identity; without _fivetran_start).</summary>
    public IReadOnlyList<ColumnDefinition> RecordKey =>
        Columns.Where(c => c.PrimaryKey && c.Name != SystemColumns.Start).ToList();

    /// <summary>
    /// The SQLite primary key: the flagged columns, plus _fivetran_start in history mode (one row per version)
    /// even when Fivetran did not flag it.
    /// </summary>
    public IReadOnlyList<ColumnDefinition> StorageKey
    {
        get
        {
            var key = Columns.Where(c => c.PrimaryKey).ToList();
            var start = Find(SystemColumns.Start);
            if (start is not null && !key.Contains(start) && key.Count > 0)
            {
                key.Add(start);
            }

            return key;
        }
    }

    public ColumnDefinition? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public ColumnDefinition Require(string name) => Find(name)
        ?? throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Table {DisplayName} has no column '{name}'.");

    public TableDefinition With(IReadOnlyList<ColumnDefinition> columns) => new(Id, Schema, Name, PhysicalName, columns);

    public Table ToProto()
    {
        var table = new Table { Name = Name };
        table.Columns.AddRange(Columns.Select(c => c.ToProto()));
        return table;
    }
}
