using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;

namespace SqliteDestination.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>The plugin's data folder (where the default database lives).</summary>
    private string DataDirectory => Path.GetDirectoryName(_h.DatabasePath)!;

    private Task<TestResponse> TestAsync(string name, params (string Key, string Value)[] configuration)
    {
        var request = new TestRequest { Name = name };
        foreach (var (key, value) in configuration)
        {
            request.Configuration[key] = value;
        }

        return _h.Connector.TestAsync(request, default);
    }

    [Fact]
    public async Task The_form_offers_the_database_path_and_the_two_tests()
    {
        var form = await _h.Connector.ConfigurationFormAsync(default);
        Assert.Contains(form.Fields, f => f.Name == "database_path");
        Assert.Equal(["connect", "select"], form.Tests.Select(t => t.Name));
        Assert.Equal(BatchFileFormat.Csv, (await _h.Connector.CapabilitiesAsync(new CapabilitiesRequest(), default)).BatchFileFormat);
    }

    [Theory]
    [InlineData("PARQUET", BatchFileFormat.Parquet)]
    [InlineData("parquet", BatchFileFormat.Parquet)]
    [InlineData("CSV", BatchFileFormat.Csv)]
    [InlineData("", BatchFileFormat.Csv)]
    public async Task Capabilities_asks_for_the_batch_file_format_the_operator_set(string setting, BatchFileFormat expected)
    {
        using var plugin = new Hardening.PluginUnderTest(new Dictionary<string, string> { ["batchFileFormat"] = setting });
        Assert.Equal(expected, (await plugin.Connector.CapabilitiesAsync(new CapabilitiesRequest(), default)).BatchFileFormat);
    }

    [Fact]
    public async Task Connect_and_select_succeed_on_the_default_file_created_in_the_data_folder()
    {
        Assert.True((await TestAsync("connect")).Success);
        Assert.True((await TestAsync("select")).Success);
        Assert.True(File.Exists(_h.DatabasePath));
    }

    [Fact]
    public async Task A_nested_relative_path_is_created_under_the_data_folder()
    {
        Assert.True((await TestAsync("connect", ("database_path", "nested/dir/my.db"))).Success);
        Assert.True(File.Exists(Path.Combine(_h.Directory, "data", "nested", "dir", "my.db")));
    }

    [Fact]
    public async Task A_directory_a_path_under_a_file_or_a_read_only_file_fail_with_a_clear_message()
    {
        // Inside the data folder: paths outside it are refused before anything is looked at (ConfinementTests).
        var directory = Path.Combine(DataDirectory, "a-directory");
        Directory.CreateDirectory(directory);
        var failure = (await TestAsync("connect", ("database_path", directory))).Failure;
        Assert.Contains(directory, failure);
        Assert.Contains("directory", failure);

        var file = Path.Combine(DataDirectory, "plain-file");
        await File.WriteAllTextAsync(file, "x");
        Assert.Contains("not usable", (await TestAsync("connect", ("database_path", Path.Combine(file, "db.sqlite")))).Failure);

        var readOnly = Path.Combine(DataDirectory, "ro.db");
        Assert.True((await TestAsync("connect", ("database_path", readOnly))).Success);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        else
        {
            new FileInfo(readOnly).IsReadOnly = true;
        }

        Assert.Contains("read-only", (await TestAsync("connect", ("database_path", readOnly))).Failure);
    }

    [Fact]
    public async Task A_new_file_gets_WAL_and_16_KiB_pages_while_an_existing_file_keeps_its_page_size()
    {
        Assert.True((await TestAsync("connect")).Success);
        Assert.Equal((16384L, "wal"), Pragmas(_h.DatabasePath));

        Directory.CreateDirectory(DataDirectory);
        var existing = Path.Combine(DataDirectory, "existing.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={existing};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size = 4096; CREATE TABLE kept (x INTEGER);";
            command.ExecuteNonQuery();
        }

        Assert.True((await TestAsync("connect", ("database_path", existing))).Success);
        Assert.Equal((4096L, "wal"), Pragmas(existing));
    }

    private static (long PageSize, string JournalMode) Pragmas(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        var pageSize = (long)command.ExecuteScalar()!;
        command.CommandText = "PRAGMA journal_mode";
        return (pageSize, (string)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task Bad_settings_and_unknown_tests_are_failures_not_exceptions()
    {
        Assert.Contains("busy_timeout_ms", (await TestAsync("connect", ("busy_timeout_ms", "soon"))).Failure);
        Assert.Contains("synchronous", (await TestAsync("connect", ("synchronous", "sometimes"))).Failure);
        Assert.Contains("Unknown test 'nope'", (await TestAsync("nope")).Failure);
    }
}
