using System.Globalization;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Sqlite;

/// <summary>The update, delete and history files of the SQLite destination targets (same bench table, zstd + AES).</summary>
internal static class SqliteBenchFiles
{
    private static readonly DateTimeOffset Synced = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly string[] HistoryColumns =
        ["id", "name", "amount", "flag", "note", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"];

    public static Table HistoryTable() => new()
    {
        Name = "bench_history",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "amount", Type = DataType.Double },
            new Column { Name = "flag", Type = DataType.Boolean },
            new Column { Name = "note", Type = DataType.String },
            new Column { Name = "_fivetran_start", Type = DataType.UtcDatetime, PrimaryKey = true },
            new Column { Name = "_fivetran_end", Type = DataType.UtcDatetime },
            new Column { Name = "_fivetran_active", Type = DataType.Boolean },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };

    /// <summary>Updates of every tenth id: amount, _fivetran_deleted, _fivetran_synced change; name, flag, note unmodified.</summary>
    public static (string Path, byte[] Key) Update(string folder, int rows, int tableRows) => Write(folder, $"update-{rows}", BatchFiles.BenchBatchFile.Columns, rows, (w, i) =>
    {
        var id = (long)i * (tableRows / rows);
        var u = BatchFileWriter.Unmodified;
        w.WriteRow(id, u, i * 0.5, u, u, false, Synced.AddDays(1));
    });

    /// <summary>Deletes of every tenth id (offset by 5 so they hit rows the update did not touch).</summary>
    public static (string Path, byte[] Key) Delete(string folder, int rows, int tableRows) => Write(folder, $"delete-{rows}", ["id", "_fivetran_synced"], rows, (w, i) =>
        w.WriteRow((long)i * (tableRows / rows) + 5, Synced.AddDays(2)));

    public static (string Path, byte[] Key) HistoryReplace(string folder, int rows) => Write(folder, $"history-{rows}", HistoryColumns, rows, (w, i) =>
        w.WriteRawRow([
            i.ToString(CultureInfo.InvariantCulture),
            $"name-{i}",
            (i % 100_000 / 100.0).ToString(CultureInfo.InvariantCulture),
            i % 2 == 0 ? "true" : "false",
            i % 7 == 0 ? $"said \"hi, you\" {i}" : $"note for row {i}",
            "2024-05-01T12:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "true",
            "2024-05-01T12:00:00.000Z",
        ]));

    private static (string Path, byte[] Key) Write(string folder, string name, string[] columns, int rows, Action<BatchFileWriter, int> row)
    {
        var path = Path.Combine(folder, name + ".csv.zst.aes");
        using var writer = BatchFileWriter.Create(path, BatchFiles.BenchBatchFile.Params(), columns);
        for (var i = 0; i < rows; i++)
        {
            row(writer, i);
        }

        return (path, writer.Key!);
    }
}
