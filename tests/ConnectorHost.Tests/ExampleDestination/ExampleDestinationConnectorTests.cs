using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Logging;
using ExampleDestination;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ConnectorHost.Tests.ExampleDestination;

public sealed class ExampleDestinationConnectorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("example-destination-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ExampleDestinationConnector Create(ILoggerFactory? loggers = null) =>
        new(new PluginContext("ExampleDestination", AppContext.BaseDirectory, Path.GetTempPath(), loggers ?? NullLoggerFactory.Instance));

    private static Table People() => new()
    {
        Name = "people",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Int, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "score", Type = DataType.Double },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };

    [Fact]
    public async Task Configuration_form_matches_the_python_example()
    {
        var form = await Create().ConfigurationFormAsync(CancellationToken.None);
        Assert.True(form.SchemaSelectionSupported);
        Assert.True(form.TableSelectionSupported);
        Assert.Equal(["writerType", "conditional_field_for_file", "conditional_field_for_cloud", "conditional_field_for_database", "enableEncryption"],
            form.Fields.Select(f => f.Name));

        var writerType = form.Fields[0];
        Assert.Equal("Writer Type", writerType.Label);
        Assert.Equal(["Database", "File", "Cloud"], writerType.DropdownField.DropdownField_);
        Assert.Equal("Database", writerType.DefaultValue);
        Assert.Equal("Choose the destination type", writerType.Description);

        AssertConditional(form.Fields[1], "Conditional field for File", "File", ["host", "port", "user", "password", "table", "filePath"]);
        AssertConditional(form.Fields[2], "Conditional field for cloud", "Cloud", ["host", "port", "user", "password", "region"]);
        AssertConditional(form.Fields[3], "Conditional field for Database", "Database", ["host", "port", "user", "password", "database", "table"]);

        var encryption = form.Fields[4];
        Assert.Equal("Enable Encryption?", encryption.Label);
        Assert.Equal(FormField.TypeOneofCase.ToggleField, encryption.TypeCase);
        Assert.Equal("To enable/disable encryption for data transfer", encryption.Description);

        Assert.Equal([("connect", "Tests connection"), ("select", "Tests selection")], form.Tests.Select(t => (t.Name, t.Label)));
    }

    private static void AssertConditional(FormField field, string label, string writerType, string[] names)
    {
        Assert.Equal(label, field.Label);
        Assert.Equal("writerType", field.ConditionalFields.Condition.ConditionField);
        Assert.Equal(writerType, field.ConditionalFields.Condition.StringValue);
        Assert.Equal(names, field.ConditionalFields.Fields.Select(f => f.Name));
        var expected = new Dictionary<string, (string Label, string Placeholder, TextField Kind)>
        {
            ["host"] = ("Host", "your_host_details", TextField.PlainText),
            ["port"] = ("Port", "your_port_details", TextField.PlainText),
            ["user"] = ("User", "user_name", TextField.PlainText),
            ["password"] = ("Password", "your_password", TextField.Password),
            ["database"] = ("Database", "your_database_name", TextField.PlainText),
            ["table"] = ("Table", "your_table_name", TextField.PlainText),
            ["filePath"] = ("File Path", "your_file_path", TextField.PlainText),
        };
        foreach (var inner in field.ConditionalFields.Fields)
        {
            if (inner.Name == "region")
            {
                Assert.Equal("Cloud Region", inner.Label);
                Assert.Equal(["Azure", "AWS", "Google Cloud"], inner.DropdownField.DropdownField_);
                Assert.Equal("Azure", inner.DefaultValue);
                Assert.Equal("Choose the cloud region", inner.Description);
                continue;
            }
            var (innerLabel, placeholder, kind) = expected[inner.Name];
            Assert.Equal(innerLabel, inner.Label);
            Assert.Equal(placeholder, inner.Placeholder);
            Assert.Equal(FormField.TypeOneofCase.TextField, inner.TypeCase);
            Assert.Equal(kind, inner.TextField);
        }
    }

    [Fact]
    public async Task Capabilities_are_csv_and_migrate_is_unsupported()
    {
        var connector = Create();
        Assert.Equal(BatchFileFormat.Csv, (await connector.CapabilitiesAsync(new CapabilitiesRequest(), CancellationToken.None)).BatchFileFormat);
        var migrate = await connector.MigrateAsync(new MigrateRequest { Details = new MigrationDetails { Schema = "s", Table = "t" } }, CancellationToken.None);
        Assert.Equal(MigrateResponse.ResponseOneofCase.Unsupported, migrate.ResponseCase);
        Assert.True(migrate.Unsupported);
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("select")]
    public async Task Known_tests_succeed(string name)
    {
        var response = await Create().TestAsync(new TestRequest { Name = name }, CancellationToken.None);
        Assert.Equal(TestResponse.ResponseOneofCase.Success, response.ResponseCase);
        Assert.True(response.Success);
    }

    [Fact]
    public async Task An_unknown_test_fails_naming_the_known_tests()
    {
        var response = await Create().TestAsync(new TestRequest { Name = "ping" }, CancellationToken.None);
        Assert.Equal(TestResponse.ResponseOneofCase.Failure, response.ResponseCase);
        Assert.Equal("Unknown test 'ping'. Known tests: connect, select.", response.Failure);
    }

    [Fact]
    public async Task Tables_are_created_described_altered_and_truncated_in_memory()
    {
        var connector = Create();
        var unknown = await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "people" }, CancellationToken.None);
        Assert.Equal(DescribeTableResponse.ResponseOneofCase.NotFound, unknown.ResponseCase);
        Assert.True(unknown.NotFound);

        var created = await connector.CreateTableAsync(new CreateTableRequest { SchemaName = "s", Table = People() }, CancellationToken.None);
        Assert.True(created.Success);
        var described = await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "people" }, CancellationToken.None);
        Assert.Equal(People(), described.Table);
        var otherSchema = await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = "other", TableName = "people" }, CancellationToken.None);
        Assert.True(otherSchema.NotFound);

        var altered = People();
        altered.Columns.Add(new Column { Name = "email", Type = DataType.String });
        Assert.True((await connector.AlterTableAsync(new AlterTableRequest { SchemaName = "s", Table = altered }, CancellationToken.None)).Success);
        Assert.Equal(altered, (await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "people" }, CancellationToken.None)).Table);

        Assert.True((await connector.TruncateAsync(new TruncateRequest { SchemaName = "s", TableName = "people", SyncedColumn = "_fivetran_synced" }, CancellationToken.None)).Success);
        Assert.True((await connector.TruncateAsync(new TruncateRequest
        {
            SchemaName = "s",
            TableName = "nope",
            SyncedColumn = "_fivetran_synced",
            Soft = new SoftTruncate { DeletedColumn = "_fivetran_deleted" },
        }, CancellationToken.None)).Success);
    }

    [Fact]
    public async Task The_registry_is_safe_for_concurrent_calls()
    {
        var connector = Create();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), async (i, ct) =>
        {
            var table = People();
            table.Name = $"t{i}";
            await connector.CreateTableAsync(new CreateTableRequest { SchemaName = $"s{i % 3}", Table = table }, ct);
            var described = await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = $"s{i % 3}", TableName = $"t{i}" }, ct);
            Assert.Equal(table, described.Table);
        });
        for (var i = 0; i < 200; i++)
        {
            var described = await connector.DescribeTableAsync(new DescribeTableRequest { SchemaName = $"s{i % 3}", TableName = $"t{i}" }, CancellationToken.None);
            Assert.Equal($"t{i}", described.Table.Name);
        }
    }

    private WrittenBatchFile WriteFile(string name, FileParams fileParams, params object?[][] rows) =>
        BatchFileWriter.Write(Path.Combine(_folder, name), fileParams, ["_fivetran_synced", "name", "id", "score"], rows);

    private static readonly DateTimeOffset Synced = new(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Write_batch_reads_every_file_and_logs_name_operation_and_row_count()
    {
        var loggers = new CapturingLoggerFactory(LogLevel.Information);
        var connector = Create(loggers);
        var fileParams = BatchFileWriter.Params();
        var replace = WriteFile("replace.csv.zst.aes", fileParams, [Synced, "Ann", 1, 1.5], [Synced, "Bob, \"B\"", 2, 2.5], [Synced, null, 3, 0.0]);
        var update = WriteFile("update.csv.zst.aes", fileParams, [Synced, BatchFileWriter.Unmodified, 1, 9.5]);
        var delete = WriteFile("delete.csv.zst.aes", fileParams, [Synced, null, 2, null], [Synced, null, 3, null]);
        var request = new WriteBatchRequest
        {
            SchemaName = "s",
            Table = People(),
            FileParams = fileParams,
            Configuration = { ["password"] = "hunter2-secret" },
            ReplaceFiles = { replace.Path },
            UpdateFiles = { update.Path },
            DeleteFiles = { delete.Path },
            Keys = { [replace.Path] = replace.Key, [update.Path] = update.Key, [delete.Path] = delete.Key },
        };

        var response = await connector.WriteBatchAsync(request, CancellationToken.None);

        Assert.True(response.Success);
        Assert.Equal(
        [
            $"Read replace file {replace.Path} for table s.people: 3 rows",
            $"Read update file {update.Path} for table s.people: 1 rows",
            $"Read delete file {delete.Path} for table s.people: 2 rows",
        ], loggers.Messages(LogLevel.Information));
        Assert.Empty(loggers.Messages(LogLevel.Debug));
        Assert.DoesNotContain(loggers.Lines, l => l.Message.Contains("hunter2"));
    }

    [Fact]
    public async Task Rows_are_logged_at_debug_level()
    {
        var loggers = new CapturingLoggerFactory(LogLevel.Debug);
        var connector = Create(loggers);
        var fileParams = BatchFileWriter.Params(Compression.Gzip, Encryption.Aes);
        var update = WriteFile("update.csv.gz.aes", fileParams, [Synced.AddMilliseconds(123), BatchFileWriter.Unmodified, 1, null], [Synced, "Zoë", 2, -0.5]);
        var request = new WriteBatchRequest
        {
            SchemaName = "s",
            Table = People(),
            FileParams = fileParams,
            UpdateFiles = { update.Path },
            Keys = { [update.Path] = update.Key },
        };

        Assert.True((await connector.WriteBatchAsync(request, CancellationToken.None)).Success);

        Assert.Equal(
        [
            $"update row 1 of {update.Path} (s.people): _fivetran_synced=2024-01-01T10:00:00.123Z, name=<unmodified>, id=1, score=NULL",
            $"update row 2 of {update.Path} (s.people): _fivetran_synced=2024-01-01T10:00:00Z, name='Zoë', id=2, score=-0.5",
        ], loggers.Messages(LogLevel.Debug));
    }

    [Fact]
    public async Task Write_history_batch_reads_files_in_the_guide_order()
    {
        var loggers = new CapturingLoggerFactory(LogLevel.Information);
        var connector = Create(loggers);
        var fileParams = BatchFileWriter.Params();
        var earliest = WriteFile("earliest.csv", fileParams, [Synced, null, 1, null]);
        var replace = WriteFile("replace.csv", fileParams, [Synced, "a", 1, 1.0], [Synced, "b", 2, 2.0]);
        var update = WriteFile("update.csv", fileParams, [Synced, BatchFileWriter.Unmodified, 1, 3.0]);
        var delete = WriteFile("delete.csv", fileParams);
        var request = new WriteHistoryBatchRequest
        {
            SchemaName = "s",
            Table = People(),
            FileParams = fileParams,
            DeleteFiles = { delete.Path },
            UpdateFiles = { update.Path },
            ReplaceFiles = { replace.Path },
            EarliestStartFiles = { earliest.Path },
            Keys = { [replace.Path] = replace.Key, [update.Path] = update.Key, [delete.Path] = delete.Key, [earliest.Path] = earliest.Key },
        };

        Assert.True((await connector.WriteHistoryBatchAsync(request, CancellationToken.None)).Success);

        Assert.Equal(
        [
            $"Read earliest_start file {earliest.Path} for table s.people: 1 rows",
            $"Read replace file {replace.Path} for table s.people: 2 rows",
            $"Read update file {update.Path} for table s.people: 1 rows",
            $"Read delete file {delete.Path} for table s.people: 0 rows",
        ], loggers.Messages(LogLevel.Information));
    }

    [Fact]
    public async Task A_bad_file_fails_the_batch_with_the_readers_error()
    {
        var connector = Create();
        var fileParams = BatchFileWriter.Params();
        var good = WriteFile("good.csv", fileParams, [Synced, "a", 1, 1.0]);
        var bad = WriteFile("bad.csv", fileParams, [Synced, "a", 1, "not a number"]);
        var request = new WriteBatchRequest
        {
            SchemaName = "s",
            Table = People(),
            FileParams = fileParams,
            ReplaceFiles = { good.Path, bad.Path },
            Keys = { [good.Path] = good.Key, [bad.Path] = bad.Key },
        };

        var error = await Assert.ThrowsAsync<BatchFileException>(() => connector.WriteBatchAsync(request, CancellationToken.None));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"batch file '{bad.Path}', row 1, column 'score': value 'not a number' is not a valid DOUBLE (expected a number)", error.Message);
    }

    [Fact]
    public async Task Missing_files_and_keys_fail_the_batch()
    {
        var connector = Create();
        var fileParams = BatchFileWriter.Params();
        var good = WriteFile("good.csv", fileParams, [Synced, "a", 1, 1.0]);
        var missing = Path.Combine(_folder, "missing.csv");

        var notFound = await Assert.ThrowsAsync<BatchFileException>(() => connector.WriteBatchAsync(new WriteBatchRequest
        {
            SchemaName = "s", Table = People(), FileParams = fileParams, DeleteFiles = { missing },
        }, CancellationToken.None));
        Assert.Equal(ConnectorErrorKind.NotFound, notFound.Kind);

        var noKey = await Assert.ThrowsAsync<BatchFileException>(() => connector.WriteHistoryBatchAsync(new WriteHistoryBatchRequest
        {
            SchemaName = "s", Table = People(), FileParams = fileParams, ReplaceFiles = { good.Path },
        }, CancellationToken.None));
        Assert.Contains("no decryption key for this file", noKey.Message);

        var noTable = await Assert.ThrowsAsync<ConnectorException>(() => connector.WriteBatchAsync(new WriteBatchRequest
        {
            SchemaName = "s", FileParams = fileParams, ReplaceFiles = { good.Path },
        }, CancellationToken.None));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, noTable.Kind);
    }
}
