using System.Data.Common;
using DuckDB.NET.Data;
using SqlDestinations;

namespace DuckDbDestination.Storage;

/// <summary>A DuckDB connection with its transaction; disposing without <c>Commit</c> rolls back.</summary>
internal sealed class DuckDbSession(DuckDBConnection connection, bool transactional) : DbSqlSession<DuckDBConnection>(connection, transactional)
{
    protected override DbParameter Parameter(object? value) => new DuckDBParameter(value ?? DBNull.Value);
}
