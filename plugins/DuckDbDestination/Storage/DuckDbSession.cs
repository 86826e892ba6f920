using DuckDB.NET.Data;
using SqlDestinations;

namespace DuckDbDestination.Storage;

/// <summary>A connection with its transaction; disposing without <see cref="Commit"/> rolls back.</summary>
internal sealed class DuckDbSession : ISqlSession, IDisposable
{
    private readonly DuckDBTransaction? _transaction;

    public DuckDbSession(DuckDBConnection connection, bool transactional)
    {
        Connection = connection;
        _transaction = transactional ? connection.BeginTransaction() : null;
    }

    public DuckDBConnection Connection { get; }

    public void Commit() => _transaction?.Commit();

    public int Execute(string sql, params object?[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public object? Scalar(string sql, params object?[] args)
    {
        using var command = Command(sql, args);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public List<object?[]> Query(string sql, params object?[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private DuckDBCommand Command(string sql, object?[] args)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        if (_transaction is not null)
        {
            command.Transaction = _transaction;
        }

        foreach (var arg in args)
        {
            command.Parameters.Add(new DuckDBParameter(arg ?? DBNull.Value));
        }

        return command;
    }

    public void Dispose()
    {
        _transaction?.Dispose();
        Connection.Dispose();
    }
}
