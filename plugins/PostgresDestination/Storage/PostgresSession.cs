using System.Data.Common;
using Npgsql;
using SqlDestinations;

namespace PostgresDestination.Storage;

/// <summary>A pooled PostgreSQL connection with its transaction; disposing without <c>Commit</c> rolls back.</summary>
internal sealed class PostgresSession(NpgsqlConnection connection, bool transactional) : DbSqlSession<NpgsqlConnection>(connection, transactional)
{
    // PostgreSQL must know a parameter's type even when it is NULL; untyped NULLs are only used where any type fits.
    protected override DbParameter Parameter(object? value) => value is null
        ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        : new NpgsqlParameter { Value = value };
}
