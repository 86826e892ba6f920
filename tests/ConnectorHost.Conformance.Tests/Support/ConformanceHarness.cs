using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>
/// Destination-agnostic helpers over a <see cref="DestinationUnderTest"/>: requests with the configuration filled
/// in, real batch files (CSV or Parquet, zstd + AES, fresh key each), and landed rows in <see cref="CanonicalValue"/> form.
/// </summary>
public sealed class ConformanceHarness(DestinationUnderTest destination)
{
    public const string Schema = "tester";
    private int _fileCounter;

    public DestinationUnderTest Destination { get; } = destination;

    public FileParams FileParams { get; } = BatchFileWriter.Params();

    public Dictionary<string, ByteString> Keys { get; } = new();

    public static Column Col(string name, DataType type, bool pk = false) => new() { Name = name, Type = type, PrimaryKey = pk };

    public static Column Decimal(string name, uint precision, uint scale, bool pk = false) =>
        new() { Name = name, Type = DataType.Decimal, PrimaryKey = pk, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = precision, Scale = scale } } };

    public static Table Table(string name, params Column[] columns)
    {
        var table = new Table { Name = name };
        table.Columns.AddRange(columns);
        return table;
    }

    public static Timestamp Ts(DateTimeOffset value) => Timestamp.FromDateTimeOffset(value);

    public async Task<Table> CreateAsync(Table table, string schema = Schema)
    {
        var request = new CreateTableRequest { SchemaName = schema, Table = table };
        request.Configuration.Add(Destination.Configuration);
        var response = await Destination.Connector.CreateTableAsync(request, default);
        Assert.True(response.Success, $"CreateTable {table.Name}: {response}");
        return table;
    }

    public async Task<DescribeTableResponse> DescribeAsync(string table, string schema = Schema)
    {
        var request = new DescribeTableRequest { SchemaName = schema, TableName = table };
        request.Configuration.Add(Destination.Configuration);
        return await Destination.Connector.DescribeTableAsync(request, default);
    }

    public async Task AlterAsync(Table table, bool dropColumns = false, string schema = Schema)
    {
        var request = new AlterTableRequest { SchemaName = schema, Table = table, DropColumns = dropColumns };
        request.Configuration.Add(Destination.Configuration);
        Assert.True((await Destination.Connector.AlterTableAsync(request, default)).Success);
    }

    public async Task TruncateAsync(string table, DateTimeOffset before, string? softColumn = null, string schema = Schema)
    {
        var request = new TruncateRequest { SchemaName = schema, TableName = table, SyncedColumn = "_fivetran_synced", UtcDeleteBefore = Ts(before) };
        if (softColumn is not null)
        {
            request.Soft = new SoftTruncate { DeletedColumn = softColumn };
        }

        request.Configuration.Add(Destination.Configuration);
        Assert.True((await Destination.Connector.TruncateAsync(request, default)).Success);
    }

    public async Task<MigrateResponse> MigrateAsync(MigrationDetails details)
    {
        var request = new MigrateRequest { Details = details };
        request.Configuration.Add(Destination.Configuration);
        return await Destination.Connector.MigrateAsync(request, default);
    }

    /// <summary>
    /// A batch file in the destination's format (<see cref="DestinationUnderTest.BatchFileFormat"/>): header and rows
    /// (<see cref="BatchFileWriter.Unmodified"/> for unmodified cells), typed by the table's columns.
    /// </summary>
    public string File(Table table, string[] header, params object?[][] rows) => File(Destination.BatchFileFormat, table, header, rows);

    /// <summary>
    /// A batch file in <paramref name="format"/>, zstd (Parquet: its pages) and AES with a fresh key. Parquet columns
    /// take their types from the table (a header column the table lacks is a string); a typed column holding the
    /// unmodified marker or a value its Parquet type cannot carry becomes a string column, as the reader documents.
    /// </summary>
    public string File(BatchFileFormat format, Table table, string[] header, params object?[][] rows)
    {
        var number = Interlocked.Increment(ref _fileCounter);
        WrittenBatchFile written;
        if (format == BatchFileFormat.Parquet)
        {
            var columns = header.Select(name => table.Columns.FirstOrDefault(c => c.Name == name) ?? new Column { Name = name, Type = DataType.String }).ToList();
            written = ParquetBatchFileWriter.Write(Path.Combine(Destination.WorkDirectory, $"batch-{number}.parquet.aes"), FileParams, columns, rows);
        }
        else
        {
            written = BatchFileWriter.Write(Path.Combine(Destination.WorkDirectory, $"batch-{number}.csv.zst.aes"), FileParams, header, rows);
        }

        return Keep(written);
    }

    /// <summary>A file holding exactly <paramref name="content"/>, AES-encrypted with a fresh key and not compressed (for damaged-file cases).</summary>
    public string RawFile(string name, ReadOnlySpan<byte> content)
    {
        var path = Path.Combine(Destination.WorkDirectory, name);
        var key = BatchFileWriter.NewKey();
        BatchFileWriter.WriteRaw(path, BatchFileWriter.Params(Compression.Off), content, key);
        return Keep(new WrittenBatchFile(path, ByteString.CopyFrom(key)));
    }

    /// <summary>A CSV file holding exactly <paramref name="csv"/>, compressed and encrypted as <see cref="FileParams"/> say, with a fresh key.</summary>
    public string CsvFile(string name, ReadOnlySpan<byte> csv)
    {
        var path = Path.Combine(Destination.WorkDirectory, name);
        var key = BatchFileWriter.NewKey();
        BatchFileWriter.WriteRaw(path, FileParams, csv, key);
        return Keep(new WrittenBatchFile(path, ByteString.CopyFrom(key)));
    }

    private string Keep(WrittenBatchFile written)
    {
        lock (Keys)
        {
            Keys[written.Path] = written.Key;
        }

        return written.Path;
    }

    public WriteBatchRequest Batch(Table table, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null, string schema = Schema)
    {
        var request = new WriteBatchRequest { SchemaName = schema, Table = table, FileParams = FileParams };
        request.Configuration.Add(Destination.Configuration);
        lock (Keys)
        {
            request.Keys.Add(Keys);
        }

        request.ReplaceFiles.AddRange(replace ?? []);
        request.UpdateFiles.AddRange(update ?? []);
        request.DeleteFiles.AddRange(delete ?? []);
        return request;
    }

    public async Task WriteAsync(Table table, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null, string schema = Schema) =>
        Assert.True((await Destination.Connector.WriteBatchAsync(Batch(table, replace, update, delete, schema), default)).Success);

    public WriteHistoryBatchRequest HistoryBatch(Table table, IEnumerable<string>? earliest = null, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null)
    {
        var request = new WriteHistoryBatchRequest { SchemaName = Schema, Table = table, FileParams = FileParams };
        request.Configuration.Add(Destination.Configuration);
        request.Keys.Add(Keys);
        request.EarliestStartFiles.AddRange(earliest ?? []);
        request.ReplaceFiles.AddRange(replace ?? []);
        request.UpdateFiles.AddRange(update ?? []);
        request.DeleteFiles.AddRange(delete ?? []);
        return request;
    }

    public async Task WriteHistoryAsync(Table table, IEnumerable<string>? earliest = null, IEnumerable<string>? replace = null, IEnumerable<string>? update = null, IEnumerable<string>? delete = null) =>
        Assert.True((await Destination.Connector.WriteHistoryBatchAsync(HistoryBatch(table, earliest, replace, update, delete), default)).Success);

    /// <summary>The landed rows of a table, the named columns (comma-separated) in canonical text, sorted.</summary>
    public async Task<List<string?[]>> LandedAsync(string table, string columns, string schema = Schema)
    {
        var described = await DescribeAsync(table, schema);
        Assert.True(described.ResponseCase == DescribeTableResponse.ResponseOneofCase.Table, $"DescribeTable {schema}.{table}: {described}");
        var types = described.Table.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var names = columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
        {
            Assert.True(types.ContainsKey(name), $"{schema}.{table} has no column '{name}' (it has {string.Join(", ", types.Keys)})");
        }

        var rows = await Destination.ReadRowsAsync(schema, table);
        return rows
            .Select(r => names.Select(n => CanonicalValue.Of(types[n], r.GetValueOrDefault(n))).ToArray())
            .OrderBy(r => string.Join("\u001f", r.Select(v => v ?? "\u0000")), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Asserts the table holds exactly these rows (any order) in the named columns; null cells are SQL NULL.</summary>
    public async Task AssertRowsAsync(string table, string columns, params string?[][] expected)
    {
        var actual = await LandedAsync(table, columns);
        var wanted = expected
            .OrderBy(r => string.Join("\u001f", r.Select(v => v ?? "\u0000")), StringComparer.Ordinal)
            .ToList();
        Assert.Equal(Render(wanted), Render(actual));
    }

    /// <summary>Every row of the tables (all their columns), for "nothing changed" checks.</summary>
    public async Task<string> SnapshotAsync(params string[] tables)
    {
        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            var described = await DescribeAsync(table);
            text.Append("## ").AppendLine(table);
            if (described.ResponseCase != DescribeTableResponse.ResponseOneofCase.Table)
            {
                text.AppendLine(described.ResponseCase.ToString());
                continue;
            }

            text.AppendLine(Testing.Replay.DestinationReplayer.Describe(described.Table));
            var columns = string.Join(", ", described.Table.Columns.Select(c => c.Name));
            text.Append(Render(await LandedAsync(table, columns)));
        }

        return text.ToString();
    }

    private static string Render(IEnumerable<string?[]> rows) =>
        string.Concat(rows.Select(r => "[" + string.Join(" | ", r.Select(v => v ?? "NULL")) + "]\n"));
}
