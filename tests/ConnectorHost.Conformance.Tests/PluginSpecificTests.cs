using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Conformance.Tests.Support;
using DuckDbDestination;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PostgresDestination;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>What only PostgresDestination has: its configuration form, and Test with a clear message per failure.</summary>
public sealed class PostgresConfigurationTests : IAsyncLifetime
{
    private readonly PostgresDestinationConnector _connector = new(new PluginContext("PostgresDestination", Path.GetTempPath(), Path.GetTempPath(), NullLoggerFactory.Instance));
    private Dictionary<string, string> _server = null!;

    public Task InitializeAsync()
    {
        _server = PostgresUnderTest.ServerConfiguration();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _connector.Dispose();
        return Task.CompletedTask;
    }

    private Task<TestResponse> TestAsync(string name, Action<Dictionary<string, string>>? change = null)
    {
        var configuration = new Dictionary<string, string>(_server);
        change?.Invoke(configuration);
        var request = new TestRequest { Name = name };
        request.Configuration.Add(configuration);
        return _connector.TestAsync(request, default);
    }

    [Fact]
    public async Task The_form_has_every_field_and_the_password_is_a_password_field()
    {
        var form = await _connector.ConfigurationFormAsync(default);
        Assert.Equal(["host", "port", "database", "user", "password", "schema_prefix", "ssl_mode"], form.Fields.Select(f => f.Name));
        Assert.Equal(TextField.Password, form.Fields.Single(f => f.Name == "password").TextField);
        Assert.Equal(["connect", "privileges"], form.Tests.Select(t => t.Name));
    }

    [Fact]
    public async Task Connect_and_privileges_succeed_on_the_test_server()
    {
        Assert.True((await TestAsync("connect")).Success);
        Assert.True((await TestAsync("privileges")).Success);
    }

    [Fact]
    public async Task Each_failure_gets_its_own_message_and_never_shows_the_password()
    {
        var wrongPassword = await TestAsync("connect", c => c["password"] = "not-the-password-xyz");
        Assert.Contains("Authentication failed for user", wrongPassword.Failure);
        Assert.DoesNotContain("not-the-password-xyz", wrongPassword.Failure);

        var noDatabase = await TestAsync("connect", c => c["database"] = "no_such_database");
        Assert.Contains("Database 'no_such_database' does not exist", noDatabase.Failure);

        var closedPort = await TestAsync("connect", c => c["port"] = "1");
        Assert.Contains("Cannot reach 127.0.0.1:1", closedPort.Failure);

        var badPort = await TestAsync("connect", c => c["port"] = "http");
        Assert.Contains("'port'", badPort.Failure);

        var noHost = await TestAsync("connect", c => c.Remove("host"));
        Assert.Contains("'host' is required", noHost.Failure);
    }

    [Fact]
    public async Task A_user_without_create_privilege_is_told_which_grant_is_missing_and_writes_raise_a_task()
    {
        var role = "ro_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = await OpenAdminAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN PASSWORD 'ro-pass'; REVOKE CREATE ON DATABASE \"{_server["database"]}\" FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var failure = await TestAsync("privileges", c => { c["user"] = role; c["password"] = "ro-pass"; c["schema_prefix"] = role + "_"; });
            Assert.False(failure.Success);
            Assert.Contains($"User '{role}' lacks a privilege", failure.Failure);
            Assert.Contains("GRANT CREATE ON DATABASE", failure.Failure);

            var request = new CreateTableRequest { SchemaName = "s", Table = new Table { Name = "t", Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true } } } };
            request.Configuration.Add(new Dictionary<string, string>(_server) { ["user"] = role, ["password"] = "ro-pass", ["schema_prefix"] = role + "_" });
            var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => _connector.CreateTableAsync(request, default));
            Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        }
        finally
        {
            await using var admin = await OpenAdminAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS \"{role}\"", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_record_key_has_a_lookup_index_that_follows_key_changes()
    {
        var prefix = "ix" + Guid.NewGuid().ToString("N")[..8] + "_";
        var configuration = new Dictionary<string, string>(_server) { ["schema_prefix"] = prefix };
        var create = new CreateTableRequest { SchemaName = "s", Table = new Table { Name = "t", Columns = { new Column { Name = "a", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "b", Type = DataType.String } } } };
        create.Configuration.Add(configuration);
        await _connector.CreateTableAsync(create, default);
        Assert.Equal(["(a)"], await KeyIndexesAsync(prefix + "s"));

        var alter = new AlterTableRequest { SchemaName = "s", Table = new Table { Name = "t", Columns = { new Column { Name = "a", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "b", Type = DataType.String, PrimaryKey = true } } } };
        alter.Configuration.Add(configuration);
        await _connector.AlterTableAsync(alter, default);
        Assert.Equal(["(a, b)"], await KeyIndexesAsync(prefix + "s"));

        await using var admin = await OpenAdminAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{prefix}s\" CASCADE; DROP SCHEMA \"{prefix}_connectorhost\" CASCADE", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_large_load_into_an_empty_table_keeps_the_lookup_index_whether_it_commits_or_fails()
    {
        var prefix = "ix" + Guid.NewGuid().ToString("N")[..8] + "_";
        var configuration = new Dictionary<string, string>(_server) { ["schema_prefix"] = prefix };
        var table = new Table { Name = "t", Columns = { new Column { Name = "a", Type = DataType.Long, PrimaryKey = true }, new Column { Name = "b", Type = DataType.String } } };
        var create = new CreateTableRequest { SchemaName = "s", Table = table };
        create.Configuration.Add(configuration);
        await _connector.CreateTableAsync(create, default);
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pg-large-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var fileParams = ConnectorHost.Testing.BatchFiles.BatchFileWriter.Params();
            var good = ConnectorHost.Testing.BatchFiles.BatchFileWriter.Write(Path.Combine(folder, "good.csv.zst.aes"), fileParams, ["a", "b"],
                Enumerable.Range(1, 12_000).Select(i => new object?[] { (long)i, $"v{i}" }));
            var bad = ConnectorHost.Testing.BatchFiles.BatchFileWriter.Write(Path.Combine(folder, "bad.csv.zst.aes"), fileParams, ["a", "b"], [["oops", "x"]]);
            // Fails inside the load into the empty table itself: PostgreSQL refuses a NUL character in text.
            var goodThenBad = ConnectorHost.Testing.BatchFiles.BatchFileWriter.Write(Path.Combine(folder, "good-then-bad.csv.zst.aes"), fileParams, ["a", "b"],
                Enumerable.Range(1, 12_000).Select(i => new object?[] { (long)i, i == 11_000 ? "nul\0here" : $"v{i}" }));
            WriteBatchRequest Batch(params ConnectorHost.Testing.BatchFiles.WrittenBatchFile[] files)
            {
                var request = new WriteBatchRequest { SchemaName = "s", Table = table, FileParams = fileParams };
                request.Configuration.Add(configuration);
                foreach (var file in files)
                {
                    request.Keys[file.Path] = file.Key;
                    request.ReplaceFiles.Add(file.Path);
                }

                return request;
            }

            await Assert.ThrowsAnyAsync<ConnectorException>(() => _connector.WriteBatchAsync(Batch(good, bad), default));
            Assert.Equal(["(a)"], await KeyIndexesAsync(prefix + "s"));
            var refused = await Assert.ThrowsAnyAsync<ConnectorException>(() => _connector.WriteBatchAsync(Batch(goodThenBad), default));
            Assert.Contains("good-then-bad", refused.Message);
            Assert.Equal(["(a)"], await KeyIndexesAsync(prefix + "s"));

            Assert.True((await _connector.WriteBatchAsync(Batch(good), default)).Success);
            Assert.Equal(["(a)"], await KeyIndexesAsync(prefix + "s"));
            await using var admin = await OpenAdminAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*), count(DISTINCT a) FROM \"{prefix}s\".t", admin);
            // (only the last batch landed: the two failed ones left the table empty)
            await using var reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((12_000L, 12_000L), (reader.GetInt64(0), reader.GetInt64(1)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            await using var admin = await OpenAdminAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{prefix}s\" CASCADE; DROP SCHEMA \"{prefix}_connectorhost\" CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task<List<string>> KeyIndexesAsync(string schema)
    {
        await using var admin = await OpenAdminAsync();
        await using var command = new NpgsqlCommand("SELECT substring(indexdef from '\\(.*\\)') FROM pg_indexes WHERE schemaname = $1 AND tablename = 't' AND indexname LIKE 'ch\\_key\\_%'", admin);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    [Fact]
    public async Task Names_longer_than_PostgreSQL_allows_are_refused_clearly()
    {
        var request = new CreateTableRequest { SchemaName = "s", Table = new Table { Name = new string('t', 64), Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true } } } };
        request.Configuration.Add(new Dictionary<string, string>(_server) { ["schema_prefix"] = "longname_" });
        var error = await Assert.ThrowsAsync<ConnectorException>(() => _connector.CreateTableAsync(request, default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("at most 63 bytes", error.Message);
    }

    private async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = _server["host"], Port = int.Parse(_server["port"], System.Globalization.CultureInfo.InvariantCulture), Database = _server["database"],
            Username = _server["user"], Password = _server["password"], SslMode = SslMode.Disable, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

/// <summary>What only DuckDbDestination has: a database file that must stay under the plugin's data folder.</summary>
public sealed class DuckDbConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "duckdb-config-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly DuckDbDestinationConnector _connector;

    public DuckDbConfigurationTests() =>
        _connector = new DuckDbDestinationConnector(new PluginContext("DuckDbDestination", _folder, Path.Combine(_folder, "data"), NullLoggerFactory.Instance));

    public void Dispose()
    {
        _connector.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<TestResponse> TestAsync(string name, string? path)
    {
        var request = new TestRequest { Name = name };
        if (path is not null)
        {
            request.Configuration["database_path"] = path;
        }

        return _connector.TestAsync(request, default);
    }

    [Fact]
    public async Task The_default_file_is_created_under_the_data_folder_and_both_tests_pass()
    {
        Assert.True((await TestAsync("connect", null)).Success);
        Assert.True((await TestAsync("write", "sub/dir/other.duckdb")).Success);
        Assert.True(File.Exists(Path.Combine(_folder, "data", "destination.duckdb")));
        Assert.True(File.Exists(Path.Combine(_folder, "data", "sub", "dir", "other.duckdb")));
    }

    [Fact]
    public async Task A_schema_named_like_the_database_file_is_not_ambiguous()
    {
        var request = new CreateTableRequest { SchemaName = "destination", Table = new Table { Name = "destination", Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true } } } };
        Assert.True((await _connector.CreateTableAsync(request, default)).Success);
        var describe = new DescribeTableRequest { SchemaName = "destination", TableName = "destination" };
        Assert.Equal("id", (await _connector.DescribeTableAsync(describe, default)).Table.Columns.Single().Name);
    }

    [Theory]
    [InlineData("/tmp/elsewhere.duckdb", "absolute path")]
    [InlineData("../outside.duckdb", "outside the plugin's data folder")]
    [InlineData("a/../../outside.duckdb", "outside the plugin's data folder")]
    public async Task Paths_outside_the_data_folder_are_refused(string path, string message)
    {
        var response = await TestAsync("connect", path);
        Assert.False(response.Success);
        Assert.Contains(message, response.Failure);
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(_folder, "data", path))));
    }
}

/// <summary>Every destination refuses a batchFileFormat it cannot use when the host constructs it, naming the setting.</summary>
public sealed class BatchFileFormatSettingTests
{
    [Theory]
    [InlineData("SqliteDestination")]
    [InlineData("PostgresDestination")]
    [InlineData("DuckDbDestination")]
    public void A_batch_file_format_other_than_csv_or_parquet_stops_the_plugin_naming_the_setting(string plugin)
    {
        var folder = Path.Combine(Path.GetTempPath(), "format-setting-" + Guid.NewGuid().ToString("N"));
        var context = new PluginContext(plugin, folder, Path.Combine(folder, "data"), NullLoggerFactory.Instance, new Dictionary<string, string> { ["batchFileFormat"] = "ORC" });
        var error = Assert.Throws<ArgumentException>(() => plugin switch
        {
            "SqliteDestination" => (object)new SqliteDestination.SqliteDestinationConnector(context),
            "PostgresDestination" => new PostgresDestinationConnector(context),
            _ => new DuckDbDestinationConnector(context),
        });
        Assert.Equal($"{plugin} setting 'batchFileFormat' must be CSV or PARQUET (the batch-file format the destination asks for in Capabilities), not 'ORC'.", error.Message);
        Assert.False(Directory.Exists(folder), "nothing is created for a plugin that does not load");
    }
}

/// <summary>
/// DuckDB loads a replace file into an empty table through its own table function (cells written in DuckDB's
/// representation) and every other file through the appender into a stage: both paths land a value the same way.
/// </summary>
public sealed class DuckDbLoadPathTests : IAsyncLifetime
{
    private readonly DuckDbUnderTest _duckDb = new(BatchFileFormat.Csv);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _duckDb.DisposeAsync();

    [Fact]
    public async Task Sub_microsecond_digits_are_cut_towards_the_past_on_both_load_paths()
    {
        var h = new ConformanceHarness(_duckDb);
        Column[] columns = [ConformanceHarness.Col("id", DataType.Int, pk: true), ConformanceHarness.Col("time", DataType.NaiveTime),
            ConformanceHarness.Col("dt", DataType.NaiveDatetime), ConformanceHarness.Col("utc", DataType.UtcDatetime)];
        // A BINARY column makes DuckDB stage the file; without one the replace into the empty table loads directly.
        var direct = await h.CreateAsync(ConformanceHarness.Table("direct", columns));
        var staged = await h.CreateAsync(ConformanceHarness.Table("staged", [.. columns, ConformanceHarness.Col("bin", DataType.Binary)]));
        object?[][] rows =
        [
            [1, "23:59:59.9999995", "1969-12-31T23:59:59.9999995", "1969-12-31T23:59:59.9999995Z", null],
            [2, "00:00:00.0000009", "2024-05-01T12:00:00.0000009", "2024-05-01T12:00:00.0000009Z", null],
        ];
        await h.WriteAsync(direct, replace: [h.File(direct, ["id", "time", "dt", "utc"], [.. rows.Select(r => r[..4])])]);
        await h.WriteAsync(staged, replace: [h.File(staged, ["id", "time", "dt", "utc", "bin"], rows)]);

        string?[][] expected =
        [
            ["1", "23:59:59.999999", "1969-12-31T23:59:59.999999", "1969-12-31T23:59:59.999999Z"],
            ["2", "00:00:00", "2024-05-01T12:00:00", "2024-05-01T12:00:00Z"],
        ];
        await h.AssertRowsAsync("direct", "id, time, dt, utc", expected);
        await h.AssertRowsAsync("staged", "id, time, dt, utc", expected);
    }
}
