using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// Builds <see cref="Record"/>s from a row given as column → CLR value (converted with <see cref="Values.From"/>).
/// <paramref name="schema"/> null means a table without schema.
/// </summary>
public static class SourceRecords
{
    /// <summary>Replace the row (all columns must be present; an absent column becomes null).</summary>
    public static Record Upsert(string table, IReadOnlyDictionary<string, object?> row, string? schema = null) =>
        Row(RecordType.Upsert, table, row, schema);

    /// <summary>Change only the columns given (primary key included) of an existing row.</summary>
    public static Record Update(string table, IReadOnlyDictionary<string, object?> row, string? schema = null) =>
        Row(RecordType.Update, table, row, schema);

    /// <summary>Soft-delete the row with the primary key given.</summary>
    public static Record Delete(string table, IReadOnlyDictionary<string, object?> primaryKey, string? schema = null) =>
        Row(RecordType.Delete, table, primaryKey, schema);

    /// <summary>Soft-delete every row synced before now (send it before the table's upserts).</summary>
    public static Record Truncate(string table, string? schema = null) => New(RecordType.Truncate, table, schema);

    private static Record Row(RecordType type, string table, IReadOnlyDictionary<string, object?> row, string? schema)
    {
        ArgumentNullException.ThrowIfNull(row);
        var record = New(type, table, schema);
        var data = record.Data;
        foreach (var (column, value) in row)
        {
            data.Add(column, Values.From(value, column));
        }

        return record;
    }

    private static Record New(RecordType type, string table, string? schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var record = new Record { TableName = table, Type = type };
        if (schema is not null)
        {
            record.SchemaName = schema;
        }

        return record;
    }
}
