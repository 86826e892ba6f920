using System.Data.Common;

namespace SqlDestinations;

/// <summary>
/// An <see cref="ISqlSession"/> over any ADO.NET provider: a connection with its transaction (disposing without
/// <see cref="Commit"/> rolls back). A destination only says how a parameter value becomes its provider's parameter.
/// </summary>
internal abstract class DbSqlSession<TConnection> : ISqlSession, IDisposable
    where TConnection : DbConnection
{
    private readonly DbTransaction? _transaction;

    protected DbSqlSession(TConnection connection, bool transactional)
    {
        Connection = connection;
        _transaction = transactional ? connection.BeginTransaction() : null;
    }

    public TConnection Connection { get; }

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

    public void Dispose()
    {
        _transaction?.Dispose();
        Connection.Dispose();
    }

    /// <summary>The provider's parameter for one positional argument (null → a typed SQL NULL where the provider needs one).</summary>
    protected abstract DbParameter Parameter(object? value);

    private DbCommand Command(string sql, object?[] args)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var arg in args)
        {
            command.Parameters.Add(Parameter(arg));
        }

        return command;
    }
}
