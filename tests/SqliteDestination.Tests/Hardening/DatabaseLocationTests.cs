using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using Xunit;
using static SqliteDestination.Tests.Hardening.PluginUnderTest;

namespace SqliteDestination.Tests.Hardening;

/// <summary>Issue 14 item 3: database_path (from the client) cannot leave the plugin's data folder unless the operator allows it.</summary>
public sealed class DatabaseLocationTests : IDisposable
{
    private readonly PluginUnderTest _p = new();
    private readonly string _outside = Directory.CreateTempSubdirectory("sqlite-outside-").FullName;

    public void Dispose()
    {
        _p.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_outside, recursive: true);
    }

    private async Task<TestResponse> TestAsync(string databasePath) =>
        await _p.Connector.TestAsync(new TestRequest { Name = "connect", Configuration = { ["database_path"] = databasePath } }, default);

    [Theory]
    [InlineData("/etc/x.db")]
    [InlineData("../../../x.db")]
    [InlineData("../data-sibling/x.db")]
    [InlineData("sub/../../x.db")]
    public async Task A_path_leaving_the_data_folder_is_a_task_and_nothing_is_created(string path)
    {
        _p.Configuration["database_path"] = path;
        var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        Assert.Equal(
            $"Configuration 'database_path' '{path}' is outside the destination's data folder, where database files must be. Enter a path relative to that folder, such as 'destination.db' or 'sales/destination.db'. "
            + "A database in another folder needs the host's operator to allow that folder (SqliteDestination setting 'allowedDatabaseRoots' in plugins.json).",
            alert.Message);
        Assert.False(File.Exists("/etc/x.db"));
        Assert.False(Directory.Exists(Path.Combine(_p.Root, "data-sibling")));
        Assert.False(Directory.Exists(_p.DataDirectory), "nothing may be created, not even the data folder");
    }

    [Fact]
    public async Task Another_applications_database_outside_is_left_untouched()
    {
        var foreign = Path.Combine(_outside, "app.db");
        using (var connection = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE app (x INTEGER); INSERT INTO app VALUES (42);";
            command.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(foreign);

        _p.Configuration["database_path"] = foreign;
        await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.False((await TestAsync(foreign)).Success);

        Assert.Equal(before, File.ReadAllBytes(foreign));
        Assert.False(File.Exists(foreign + "-wal"), "the file must not be switched to WAL");
        Assert.Equal(["app.db"], Directory.GetFiles(_outside).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Test_replies_for_outside_paths_do_not_reveal_what_exists_there()
    {
        var missing = Path.Combine(_outside, "missing.db");
        var folder = Directory.CreateDirectory(Path.Combine(_outside, "folder")).FullName;
        var file = Path.Combine(_outside, "file.txt");
        File.WriteAllText(file, "hello");
        var database = Path.Combine(_outside, "db.sqlite");
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
        }

        var failures = new List<string>();
        foreach (var path in new[] { missing, folder, file, database })
        {
            var response = await TestAsync(path);
            Assert.False(response.Success);
            failures.Add(response.Failure.Replace(path, "<path>", StringComparison.Ordinal));
        }
        Assert.Single(failures.Distinct());
        Assert.Contains("outside the destination's data folder", failures[0]);
    }

    [Fact]
    public async Task Relative_paths_inside_the_data_folder_work()
    {
        _p.Configuration["database_path"] = "sales/../sales/orders.db";
        var table = await _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true)));
        await _p.WriteAsync(table, _p.File(["id"], [1]));
        Assert.Single(_p.Rows("t", databasePath: Path.Combine(_p.DataDirectory, "sales", "orders.db")));
    }

    [Fact]
    public async Task A_folder_the_operator_allows_may_hold_databases_and_the_client_cannot_allow_one()
    {
        using var allowed = new PluginUnderTest(new Dictionary<string, string> { ["allowedDatabaseRoots"] = _outside });
        var path = Path.Combine(_outside, "allowed.db");
        allowed.Configuration["database_path"] = path;
        var table = await allowed.CreateAsync(Table("t", Col("id", DataType.Int, pk: true)));
        await allowed.WriteAsync(table, allowed.File(["id"], [7]));
        Assert.Equal(7L, Assert.Single(allowed.Rows("t", databasePath: path))[0]);

        // The same setting in the client's configuration is not a permission.
        _p.Configuration["database_path"] = Path.Combine(_outside, "sneaky.db");
        _p.Configuration["allowedDatabaseRoots"] = _outside;
        await Assert.ThrowsAsync<ConnectorAlertException>(() => _p.CreateAsync(Table("t", Col("id", DataType.Int, pk: true))));
        Assert.False(File.Exists(Path.Combine(_outside, "sneaky.db")));
    }

    [Theory]
    [InlineData("allowedDatabaseRoots", "relative/folder", "is not an absolute folder path")]
    [InlineData("maxRowBytes", "12", "must be a whole number of bytes from 1024")]
    [InlineData("maxOpenDatabases", "none", "must be a whole number of databases from 1")]
    [InlineData("batchFileFormat", "AVRO", "must be CSV or PARQUET")]
    public void An_operator_setting_the_plugin_cannot_use_fails_its_construction_naming_it(string key, string value, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => new PluginUnderTest(new Dictionary<string, string> { [key] = value }));
        Assert.Contains($"SqliteDestination setting '{key}'", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
