using System.Globalization;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// The batch file of the performance targets: id (long), name, amount (double), flag (boolean), note (string with
/// quotes and commas in one row in seven), _fivetran_deleted, _fivetran_synced; zstd level 3 and AES-encrypted.
/// Cached in the temp folder (with its key) so repeated runs measure reading only.
/// </summary>
internal static class BenchBatchFile
{
    public static readonly string[] Columns = ["id", "name", "amount", "flag", "note", "_fivetran_deleted", "_fivetran_synced"];

    public static Table Table() => new()
    {
        Name = "bench",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "amount", Type = DataType.Double },
            new Column { Name = "flag", Type = DataType.Boolean },
            new Column { Name = "note", Type = DataType.String },
            new Column { Name = "_fivetran_deleted", Type = DataType.Boolean },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };

    public static FileParams Params() => BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);

    /// <summary>The cached file and its key, made on first use.</summary>
    public static (string Path, byte[] Key) GetOrCreate(int rows)
    {
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"batch-v2-{rows}.csv.zst.aes");
        var keyPath = path + ".key";
        if (File.Exists(path) && File.Exists(keyPath))
        {
            return (path, File.ReadAllBytes(keyPath));
        }
        Write(path, rows);
        return (path, File.ReadAllBytes(keyPath));
    }

    private static void Write(string path, int rows)
    {
        using (var writer = BatchFileWriter.Create(path + ".tmp", Params(), Columns))
        {
            foreach (var row in Rows(rows))
            {
                writer.WriteRawRow(row);
            }
            File.WriteAllBytes(path + ".key", writer.Key!);
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The benchmark rows as CSV cell text (the Parquet scenario writes the same rows typed).</summary>
    public static IEnumerable<string[]> Rows(int rows)
    {
        var random = new Random(42);
        var synced = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < rows; i++)
        {
            var note = i % 7 == 0
                ? $"said \"hi, you\" {i}"
                : $"note for row {i}";
            yield return
            [
                i.ToString(CultureInfo.InvariantCulture),
                $"name-{i}",
                (random.Next(0, 10_000_000) / 100.0).ToString(CultureInfo.InvariantCulture),
                (i % 2 == 0) ? "true" : "false",
                note,
                "false",
                synced.AddMilliseconds(i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ];
        }
    }
}
