using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SqliteDestination.Storage;
using Xunit;
using static SqliteDestination.Tests.Hardening.PluginUnderTest;

namespace SqliteDestination.Tests.Hardening;

/// <summary>
/// Issue 14, SQLite destination: each hostile or unlucky input answers a precise status (or a Fivetran task), names
/// the file/row/column without quoting file content, and leaves the stored rows exactly as they were.
/// </summary>
public sealed class BatchHardeningTests : IDisposable
{
    private static readonly FileParams PlainParams = BatchFileWriter.Params(Compression.Off, Encryption.None);
    private readonly PluginUnderTest _p = new();

    public void Dispose() => _p.Dispose();

    private async Task<Table> SeededAsync()
    {
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("v", DataType.String)));
        await _p.WriteAsync(table, _p.File(["id", "v"], [1, "one"], [2, "two"]));
        return table;
    }

    private List<object?[]> Stored() => _p.Rows("t", "id, v", "id");

    private static readonly object?[][] Seed = [[1L, "one"], [2L, "two"]];

    // item 1
    [Fact]
    public async Task A_system_file_named_as_a_batch_file_is_refused_without_quoting_it()
    {
        var table = await SeededAsync();
        foreach (var path in new[] { "/etc/passwd", "/etc/hostname" })
        {
            var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [path], PlainParams), default));
            Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
            Assert.StartsWith($"batch file '{path}': the first row is not a CSV header of table 't'", error.Message);
            var firstLine = File.ReadLines(path).First();
            Assert.DoesNotContain(firstLine[..Math.Min(8, firstLine.Length)], error.Message);
        }
        Assert.Equal(Seed, Stored());
    }

    // item 2
    [Fact]
    public async Task A_fifo_named_as_a_batch_file_is_refused_at_once_and_the_database_stays_writable()
    {
        var table = await SeededAsync();
        var fifo = Path.Combine(_p.Root, "pipe.csv");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }
        var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [fifo], PlainParams), default))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal($"batch file '{fifo}': the path is a FIFO (named pipe), not a regular file; a batch file must be a regular file", error.Message);

        // The write lock was given back: the next batch applies.
        await _p.WriteAsync(table, _p.File(["id", "v"], [3, "three"])).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([.. Seed, [3L, "three"]], Stored());
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/proc/self/environ", "a kernel pseudo-file (/proc/)")]
    [InlineData("/tmp", "a directory")]
    public async Task Devices_proc_entries_and_directories_are_refused_naming_what_they_are(string path, string what)
    {
        var table = await SeededAsync();
        var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [path], PlainParams), default));
        Assert.Equal($"batch file '{path}': the path is {what}, not a regular file; a batch file must be a regular file", error.Message);
        Assert.Equal(Seed, Stored());
    }

    // item 5
    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.99)]
    public async Task A_truncated_gzip_file_is_an_error_and_nothing_of_it_is_applied(double keep)
    {
        var table = await SeededAsync();
        var csv = new StringBuilder("id,v\n");
        for (var i = 10; i < 5000; i++)
        {
            csv.Append(i).Append(",value ").Append(i * 7919 % 10007).Append('\n');
        }
        var gzip = new MemoryStream();
        using (var stream = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            stream.Write(Encoding.UTF8.GetBytes(csv.ToString()));
        }
        var path = Path.Combine(_p.Root, "cut.csv.gz");
        File.WriteAllBytes(path, gzip.ToArray()[..(int)(gzip.Length * keep)]);
        var fileParams = BatchFileWriter.Params(Compression.Gzip, Encryption.None);

        var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [path], fileParams), default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith($"batch file '{path}'", error.Message);
        Assert.Contains("the gzip data ends before its end-of-stream trailer (truncated file)", error.Message);
        Assert.Equal(Seed, Stored());
    }

    // item 6
    [Fact]
    public async Task A_call_cancelled_while_reading_small_files_commits_nothing()
    {
        var table = await SeededAsync();
        var first = _p.File(["id", "v"], [10, "ten"], [11, "eleven"]);
        var second = _p.File(["id", "v"], [12, "twelve"]);
        var third = _p.File(["id", "v"], [13, "thirteen"]);
        using var cancel = new CancellationTokenSource();
        // The client goes away while the plugin opens the second file (each file far below 8,192 rows).
        _p.Logs.OnLine = line =>
        {
            if (line.Contains($"file {second} ", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [first, second, third]), cancel.Token));
        _p.Logs.OnLine = null;
        Assert.Equal(Seed, Stored());
    }

    [Fact]
    public async Task A_call_cancelled_after_its_last_row_does_not_commit()
    {
        var table = await SeededAsync();
        var only = _p.File(["id", "v"], [10, "ten"]);
        using var cancel = new CancellationTokenSource();
        // Cancelled while the last file is being opened (its one row and the COMMIT come after).
        _p.Logs.OnLine = line =>
        {
            if (line.Contains($"file {only} ", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _p.Connector.WriteBatchAsync(_p.Batch(table, [only]), cancel.Token));
        _p.Logs.OnLine = null;
        Assert.Equal(Seed, Stored());
    }

    // item 7
    [Fact]
    public async Task A_history_update_of_a_record_with_no_version_is_a_no_op_said_in_a_debug_line()
    {
        var table = await _p.CreateAsync(Table("t",
            Col("id", DataType.Int, pk: true), Col("v", DataType.String), Col("w", DataType.String),
            Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime),
            Col("_fivetran_active", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime)));
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var t1 = t0.AddHours(1);
        var end = new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
        var replace = _p.File(["id", "v", "w", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"],
            [1, "a", "b", t0, end, true, t0]);
        var update = _p.File(["id", "v", "w", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"],
            [1, "a2", BatchFileWriter.Unmodified, t1, end, true, t1],
            [99, "ghost", BatchFileWriter.Unmodified, t1, end, true, t1]);
        var request = new WriteHistoryBatchRequest { SchemaName = PluginUnderTest.Schema, Table = table, FileParams = _p.FileParams };
        request.Configuration.Add(_p.Configuration);
        request.Keys.Add(_p.Keys);
        request.ReplaceFiles.Add(replace);
        request.UpdateFiles.Add(update);
        await _p.Connector.WriteHistoryBatchAsync(request, default);

        // Record 1 gets its new version (w from the previous one); record 99, never seen, gets nothing.
        Assert.Equal([[1L, "a", "b"], [1L, "a2", "b"]], _p.Rows("t", "id, v, w", "id, _fivetran_start"));
        Assert.Contains(_p.Logs.Lines, l => l.Level == LogLevel.Debug
            && l.Message == $"Skipped row 2 of batch file {update} for h.t: an update of a record with no version in the table (a no-op)");
    }

    // item 8
    [Fact]
    public async Task Double_and_float_specials_are_stored_faithfully()
    {
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("d", DataType.Double), Col("f", DataType.Float)));
        await _p.WriteAsync(table, _p.File(["id", "d", "f"], [1, "NaN", "NaN"], [2, "Infinity", "-Infinity"], [3, "-Infinity", "Infinity"], [4, "1.5", "2.5"]));
        Assert.Equal(
            [[1L, "NaN", "NaN"], [2L, double.PositiveInfinity, double.NegativeInfinity], [3L, double.NegativeInfinity, double.PositiveInfinity], [4L, 1.5, 2.5]],
            _p.Rows("t", "id, d, f", "id"));
    }

    [Theory]
    [InlineData("d", "1e400", "DOUBLE", "a number within ±1.8E+308; this one is out of range")]
    [InlineData("d", "-1e400", "DOUBLE", "a number within ±1.8E+308; this one is out of range")]
    [InlineData("f", "1e39", "FLOAT", "a number within ±3.4E+38; this one is out of range")]
    public async Task A_number_beyond_its_type_is_refused_naming_file_row_and_column(string column, string value, string type, string expected)
    {
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("d", DataType.Double), Col("f", DataType.Float)));
        await _p.WriteAsync(table, _p.File(["id", "d", "f"], [1, "1", "1"]));
        var file = _p.File(["id", "d", "f"], [2, "2", "2"], [3, column == "d" ? value : "3", column == "f" ? value : "3"]);
        var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.WriteAsync(table, file));
        Assert.Equal($"batch file '{file}', row 2, column '{column}': value '{value}' is not a valid {type} (expected {expected})", error.Message);
        Assert.Equal([[1L, 1.0, 1.0]], _p.Rows("t", "id, d, f", "id"));
    }

    [Fact]
    public async Task Decimals_are_rounded_to_the_declared_scale_and_refused_beyond_the_precision()
    {
        var dec = new Column { Name = "amount", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 10, Scale = 2 } } };
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), dec));
        await _p.WriteAsync(table, _p.File(["id", "amount"],
            [1, "123.456"], [2, "-0.004"], [3, "99999999.99"], [4, "-2.345"], [5, "1.5E+3"], [6, "7"], [7, "0.125"], [8, "1.50"], [9, "20.00"]));
        Assert.Equal(
            ["123.46", "0", "99999999.99", "-2.35", "1500", "7", "0.13", "1.5", "20"],
            _p.Rows("t", "amount", "id").Select(r => (string)r[0]!));
        var before = _p.Rows("t", "id, amount", "id");

        foreach (var (value, digits) in new[] { ("99999999.995", 9), ("123456789", 9), ("-1E+9", 10) })
        {
            var file = _p.File(["id", "amount"], [10, "1.00"], [11, value]);
            var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.WriteAsync(table, file));
            Assert.Equal($"batch file '{file}', row 2, column 'amount': value '{value}' does not fit DECIMAL(10,2): it has {digits} digits before the decimal point, the column allows 8",
                error.Message);
            Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        }
        Assert.Equal(before, _p.Rows("t", "id, amount", "id"));
        var described = await _p.Connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = PluginUnderTest.Schema, TableName = "t" }, default);
        Assert.Equal(new DecimalParams { Precision = 10, Scale = 2 }, described.Table.Columns[1].Params.Decimal);
    }

    [Fact]
    public async Task An_unknown_data_type_is_refused_by_create_table_and_no_table_is_made()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("x", (DataType)999))));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("Table h.t, column 'x': data type 999 is not a Fivetran data type (known: ", error.Message);
        var described = await _p.Connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = PluginUnderTest.Schema, TableName = "t" }, default);
        Assert.True(described.NotFound);
    }

    // item 9
    [Fact]
    public async Task A_row_beyond_the_operators_limit_is_refused_naming_the_row()
    {
        using var limited = new PluginUnderTest(new Dictionary<string, string> { ["maxRowBytes"] = "2048" });
        var table = await limited.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("v", DataType.String)));
        await limited.WriteAsync(table, limited.File(["id", "v"], [1, "one"]));
        var file = limited.File(["id", "v"], [2, new string('x', 1000)], [3, new string('y', 5000)]);
        var error = await Assert.ThrowsAsync<BatchFileException>(() => limited.WriteAsync(table, file));
        Assert.Equal($"batch file '{file}', row 2: the row is longer than the limit of 2,048 bytes per row", error.Message);
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Equal([[1L, "one"]], limited.Rows("t", "id, v", "id"));
    }

    // item 11
    [Theory]
    [InlineData(253_402_300_800L, 0)]         // 10000-01-01
    [InlineData(4_611_686_018_427_387_904L, 0)] // 2^62
    [InlineData(-62_135_596_801L, 0)]        // before year 1
    [InlineData(0L, 1_000_000_000)]
    [InlineData(0L, -1)]
    public async Task Truncate_with_an_out_of_range_cutoff_is_invalid_argument_naming_the_field(long seconds, int nanos)
    {
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("_fivetran_synced", DataType.UtcDatetime)));
        await _p.WriteAsync(table, _p.File(["id", "_fivetran_synced"], [1, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)]));
        var request = new TruncateRequest
        {
            SchemaName = PluginUnderTest.Schema,
            TableName = "t",
            SyncedColumn = "_fivetran_synced",
            UtcDeleteBefore = new Timestamp { Seconds = seconds, Nanos = nanos },
        };
        var error = await Assert.ThrowsAsync<ConnectorException>(() => _p.Connector.TruncateAsync(request, default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"Truncate of h.t: utc_delete_before (seconds {seconds}, nanos {nanos}) is out of range; it must be an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.",
            error.Message);
        Assert.Single(_p.Rows("t", "id"));
    }

    // item 14
    [Fact]
    public async Task A_database_path_that_is_not_a_database_is_a_task_saying_how_to_fix_it()
    {
        Directory.CreateDirectory(_p.DataDirectory);
        var notADatabase = Path.Combine(_p.DataDirectory, "notes.txt");
        File.WriteAllText(notADatabase, new string('n', 4096));
        _p.Configuration["database_path"] = "notes.txt";
        var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        Assert.StartsWith($"The file '{notADatabase}' named by 'database_path' is not a SQLite database", alert.Message);
        Assert.Contains("Set 'database_path' to a new file name", alert.Message);
        Assert.Equal(new string('n', 4096), File.ReadAllText(notADatabase));
    }

    [Fact]
    public async Task A_database_folder_that_cannot_be_created_is_a_task()
    {
        Directory.CreateDirectory(_p.DataDirectory);
        File.WriteAllText(Path.Combine(_p.DataDirectory, "blocker"), "a file where a folder should be");
        _p.Configuration["database_path"] = "blocker/db.sqlite";
        var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        Assert.StartsWith($"The destination cannot create the folder of its database file '{Path.Combine(_p.DataDirectory, "blocker", "db.sqlite")}'", alert.Message);
    }

    [Fact]
    public async Task A_bad_setting_is_a_task_outside_test_and_a_failure_inside_it()
    {
        _p.Configuration["busy_timeout_ms"] = "soon";
        var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.Equal("Configuration 'busy_timeout_ms' must be a whole number of milliseconds, not 'soon': enter for example 5000, or leave it empty for the default.", alert.Message);
        var test = await _p.Connector.TestAsync(new TestRequest { Name = "connect", Configuration = { ["busy_timeout_ms"] = "soon" } }, default);
        Assert.Equal(alert.Message, test.Failure);
    }

    [Theory]
    [InlineData(13, "is full")]
    [InlineData(8, "read-only for the user the host runs as")]
    [InlineData(3, "read-only for the user the host runs as")]
    [InlineData(14, "cannot open its database file")]
    public void Storage_failures_the_customer_fixes_are_tasks(int sqliteCode, string text)
    {
        var alert = Assert.IsType<ConnectorAlertException>(StorageFailures.From(new SqliteException("boom", sqliteCode), "/data/x.db", "writing"));
        Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        Assert.Contains(text, alert.Message);
        Assert.Contains("'/data/x.db'", alert.Message);
    }

    [Theory]
    [InlineData(5, ConnectorErrorKind.Unavailable)]
    [InlineData(6, ConnectorErrorKind.Unavailable)]
    [InlineData(1, ConnectorErrorKind.Internal)]
    public void Transient_and_unknown_storage_failures_stay_error_statuses(int sqliteCode, ConnectorErrorKind kind)
    {
        var error = Assert.IsType<ConnectorException>(StorageFailures.From(new SqliteException("boom", sqliteCode), "/data/x.db", "writing"));
        Assert.Equal(kind, error.Kind);
    }

    [Fact]
    public async Task A_malformed_batch_file_stays_an_error_status_not_a_task()
    {
        var table = await SeededAsync();
        var file = _p.File(["id", "v"], ["not a number", "x"]);
        var error = await Assert.ThrowsAsync<BatchFileException>(() => _p.WriteAsync(table, file));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(Seed, Stored());
    }
}
