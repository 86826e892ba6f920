using Npgsql;
using SqlDestinations;

namespace PostgresDestination.Storage;

/// <summary>A pooled connection with its transaction; disposing without <see cref="Commit"/> rolls back.</summary>
internal sealed class PostgresSession : ISqlSession, IDisposable
{
    private readonly NpgsqlTransaction? _transaction;

    public PostgresSession(NpgsqlConnection connection, bool transactional)
    {
        Connection = connection;
        _transaction = transactional ? connection.BeginTransaction() : null;
    }

    public NpgsqlConnection Connection { get; }

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

    private NpgsqlCommand Command(string sql, object?[] args)
    {
        var command = new NpgsqlCommand(sql, Connection, _transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(arg is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer } : new NpgsqlParameter { Value = arg });
        }

        return command;
    }

    public void Dispose()
    {
        _transaction?.Dispose();
        Connection.Dispose();
    }
}
