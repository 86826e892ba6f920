using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SqliteDestination.Storage;

/// <summary>
/// A prepared statement used directly through SQLitePCL for the hot row loops: prepared once per batch, bound and
/// stepped per row without the per-call overhead of SqliteCommand.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private byte[] _utf8 = new byte[256];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _stmt);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
        }
    }

    public void BindNull(int index) => raw.sqlite3_bind_null(_stmt, index);

    public void BindInt64(int index, long value) => raw.sqlite3_bind_int64(_stmt, index, value);

    public void BindDouble(int index, double value) => raw.sqlite3_bind_double(_stmt, index, value);

    public void BindBlob(int index, ReadOnlySpan<byte> value) => raw.sqlite3_bind_blob(_stmt, index, value);

    /// <summary>Binds text already encoded as UTF-8 (SQLite copies it).</summary>
    public void BindTextUtf8(int index, ReadOnlySpan<byte> utf8) => raw.sqlite3_bind_text(_stmt, index, utf8);

    public void BindText(int index, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        raw.sqlite3_bind_text(_stmt, index, new ReadOnlySpan<byte>(_utf8, 0, length));
    }

    public void BindValue(int index, object? value)
    {
        switch (value)
        {
            case null: BindNull(index); break;
            case long l: BindInt64(index, l); break;
            case double d: BindDouble(index, d); break;
            case string s: BindText(index, s); break;
            case byte[] b: BindBlob(index, b); break;
            default: throw new ArgumentException($"Unsupported storage value {value.GetType()}.");
        }
    }

    /// <summary>Runs to the next row; false when done. Errors throw <see cref="SqliteException"/> with SQLite's message.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        var message = raw.sqlite3_errmsg(_db).utf8_to_string();
        raw.sqlite3_reset(_stmt);
        throw new SqliteException($"SQLite error {rc}: {message}", rc);
    }

    /// <summary>Executes a statement that returns no rows and makes it ready for the next bindings.</summary>
    public int Execute()
    {
        try
        {
            Step();
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    public void Reset() => raw.sqlite3_reset(_stmt);

    public object? ColumnValue(int index) => raw.sqlite3_column_type(_stmt, index) switch
    {
        raw.SQLITE_NULL => null,
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_stmt, index),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_stmt, index),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_stmt, index).ToArray(),
        _ => raw.sqlite3_column_text(_stmt, index).utf8_to_string(),
    };

    public void Dispose() => _stmt.Dispose();
}
