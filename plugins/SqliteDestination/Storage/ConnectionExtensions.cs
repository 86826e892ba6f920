using Microsoft.Data.Sqlite;

namespace SqliteDestination.Storage;

/// <summary>Small helpers for the non-hot SQL: positional values are bound as @p0, @p1, ...</summary>
internal static class ConnectionExtensions
{
    public static int Execute(this SqliteConnection connection, string sql, params object?[] values)
    {
        using var command = Create(connection, sql, values);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(this SqliteConnection connection, string sql, params object?[] values)
    {
        using var command = Create(connection, sql, values);
        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }

    public static List<object?[]> Query(this SqliteConnection connection, string sql, params object?[] values)
    {
        using var command = Create(connection, sql, values);
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

    private static SqliteCommand Create(SqliteConnection connection, string sql, object?[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("@p" + i, values[i] ?? DBNull.Value);
        }

        return command;
    }
}
