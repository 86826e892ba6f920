using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Testing.Source;
using ExampleSource;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Record = FivetranSdk.V2.Record;

namespace ConnectorHost.Tests.ExampleSource;

/// <summary>
/// The example source called in-process (plugin class + RecordBatcher over an in-memory sink), checked against
/// ../shared/reference/example-behaviour.md.
/// </summary>
public class ExampleSourcePluginTests
{
    private readonly ExampleSourceConnector _connector =
        new(new PluginContext("ExampleSource", AppContext.BaseDirectory, Path.GetTempPath(), NullLoggerFactory.Instance));

    private readonly InMemoryUpdateSink _sink = new();

    public const string ExpectedFormJson = """
        {
          "schemaSelectionSupported": true,
          "tableSelectionSupported": true,
          "fields": [
            { "name": "apiBaseURL", "label": "API base URL", "required": true,
              "description": "Enter the base URL for the API you're connecting to",
              "textField": "PlainText", "placeholder": "api_base_url" },
            { "name": "authenticationMethod", "label": "Authentication Method",
              "description": "Choose the preferred authentication method to securely access the API",
              "dropdownField": { "dropdownField": ["OAuth2.0", "API Key", "Basic Auth", "None"] }, "defaultValue": "None" },
            { "name": "conditionalOAuthFields", "label": "OAuth2.0 Conditional Fields",
              "conditionalFields": {
                "condition": { "conditionField": "authenticationMethod", "stringValue": "OAuth2.0" },
                "fields": [
                  { "name": "client_id", "label": "Client ID", "textField": "Password", "placeholder": "your_client_id_here" },
                  { "name": "client_secret", "label": "Client Secret", "textField": "Password", "placeholder": "your_client_secret_here" } ] } },
            { "name": "conditionalApiKeyFields", "label": "API Key Conditional Fields",
              "conditionalFields": {
                "condition": { "conditionField": "authenticationMethod", "stringValue": "API Key" },
                "fields": [ { "name": "api_key", "label": "API Key", "textField": "Password", "placeholder": "your_api_key_here" } ] } },
            { "name": "conditionalBasicAuthFields", "label": "Basic Auth Conditional Fields",
              "conditionalFields": {
                "condition": { "conditionField": "authenticationMethod", "stringValue": "Basic Auth" },
                "fields": [
                  { "name": "username", "label": "Username", "textField": "PlainText", "placeholder": "your_username_here" },
                  { "name": "password", "label": "Password", "textField": "Password", "placeholder": "your_password_here" } ] } },
            { "name": "apiVersion", "label": "API Version", "dropdownField": { "dropdownField": ["v1", "v2", "v3"] }, "defaultValue": "v2" },
            { "name": "shouldEnableMetrics", "label": "Enable Metrics?", "toggleField": {} }
          ],
          "tests": [ { "name": "connect", "label": "Tests connection" }, { "name": "select", "label": "Tests selection" } ]
        }
        """;

    public const string ExpectedSchemaJson = """
        { "withoutSchema": { "tables": [
          { "name": "table1", "columns": [ { "name": "a1", "type": "UNSPECIFIED", "primaryKey": true }, { "name": "a2", "type": "DOUBLE" } ] },
          { "name": "table2", "columns": [ { "name": "b1", "type": "UNSPECIFIED", "primaryKey": true }, { "name": "b2", "type": "UNSPECIFIED" } ] } ] } }
        """;

    [Fact]
    public async Task The_form_is_exactly_the_Python_example_form()
    {
        var form = await _connector.ConfigurationFormAsync(CancellationToken.None);
        Assert.Equal(JsonParser.Default.Parse<ConfigurationFormResponse>(ExpectedFormJson), form);
    }

    [Fact]
    public async Task The_schema_is_two_tables_without_schema()
    {
        var schema = await _connector.SchemaAsync(new SchemaRequest(), CancellationToken.None);
        Assert.Equal(JsonParser.Default.Parse<SchemaResponse>(ExpectedSchemaJson), schema);
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("select")]
    public async Task Known_tests_succeed_with_an_absolute_api_url(string test)
    {
        var response = await Test(test, ("apiBaseURL", "https://api.example.com/v2"));
        Assert.Equal(TestResponse.ResponseOneofCase.Success, response.ResponseCase);
        Assert.True(response.Success);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("   ", "missing")]
    [InlineData("api.example.com", "not an absolute")]
    [InlineData("/relative/path", "not an absolute")]
    [InlineData("ftp://files.example.com", "not an absolute")]
    public async Task A_missing_or_non_absolute_api_url_fails_saying_what_is_wrong(string? url, string expected)
    {
        var response = url is null ? await Test("connect") : await Test("connect", ("apiBaseURL", url));
        Assert.Equal(TestResponse.ResponseOneofCase.Failure, response.ResponseCase);
        Assert.Contains("apiBaseURL", response.Failure);
        Assert.Contains(expected, response.Failure);
    }

    [Fact]
    public async Task An_unknown_test_fails_naming_the_known_tests()
    {
        var response = await Test("ping", ("apiBaseURL", "https://api.example.com"));
        Assert.Equal(TestResponse.ResponseOneofCase.Failure, response.ResponseCase);
        Assert.Contains("'ping'", response.Failure);
        Assert.Contains("'connect'", response.Failure);
        Assert.Contains("'select'", response.Failure);
    }

    [Fact]
    public async Task An_invalid_load_knob_fails_the_test()
    {
        var response = await Test("connect", ("apiBaseURL", "https://api.example.com"), ("recordCount", "lots"));
        Assert.Contains("recordCount", response.Failure);
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData("", 6)]
    [InlineData("{}", 6)]
    [InlineData("{\"cursor\": null}", 6)]
    [InlineData("{\"cursor\": 0}", 6)]
    [InlineData("{\"cursor\": 10}", 16)]
    public async Task One_sync_is_a_batch_of_four_upserts_an_update_a_delete_and_a_checkpoint(string? state, long cursor)
    {
        await Update(state);

        Assert.Equal(["records(4)", "record", "record", "checkpoint"], _sink.Shape());
        var batch = _sink.Responses[0].Records.Records_;
        AssertRow(batch[0], "table1", RecordType.Upsert, ("a1", "a-0"), ("a2", 0.0));
        AssertRow(batch[1], "table1", RecordType.Upsert, ("a1", "a-1"), ("a2", 0.234));
        AssertRow(batch[2], "table1", RecordType.Upsert, ("a1", "a-2"), ("a2", 0.468));
        AssertRow(batch[3], "table2", RecordType.Upsert, ("b1", "b1"), ("b2", "ben"));
        AssertRow(_sink.Responses[1].Record, "table1", RecordType.Update, ("a1", "a-0"), ("a2", 110.234));
        AssertRow(_sink.Responses[2].Record, "table1", RecordType.Delete, ("a1", "a-2"));
        Assert.Equal($"{{\"cursor\": {cursor}}}", _sink.Responses[3].Checkpoint.StateJson);
    }

    [Theory]
    [InlineData("{\"cursor\": ", "not valid JSON")]
    [InlineData("[1]", "JSON object")]
    [InlineData("{\"cursor\": \"six\"}", "\"cursor\"")]
    [InlineData("{\"cursor\": -1}", "\"cursor\"")]
    [InlineData("{\"cursor\": 1.5}", "\"cursor\"")]
    public async Task Invalid_state_is_an_invalid_argument_with_a_clear_message(string state, string expected)
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() => Update(state));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("state_json", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Empty(_sink.Responses);
    }

    [Fact]
    public async Task The_load_knob_sets_how_many_table1_upserts_go_through_the_same_batching()
    {
        await Update("{\"cursor\": 7}", ("recordCount", "250"));

        Assert.Equal(["records(100)", "records(100)", "records(51)", "record", "record", "checkpoint"], _sink.Shape());
        var upserts = _sink.Responses.Take(3).SelectMany(r => r.Records.Records_).ToList();
        for (int t = 0; t < 250; t++)
        {
            AssertRow(upserts[t], "table1", RecordType.Upsert, ("a1", $"a-{t}"), ("a2", t * 0.234));
        }

        AssertRow(upserts[250], "table2", RecordType.Upsert, ("b1", "b1"), ("b2", "ben"));
        Assert.Equal("{\"cursor\": 260}", _sink.Responses[^1].Checkpoint.StateJson);
    }

    [Fact]
    public async Task A_load_knob_of_zero_leaves_only_table2_in_the_batch()
    {
        await Update(null, ("recordCount", "0"));
        Assert.Equal(["records(1)", "record", "record", "checkpoint"], _sink.Shape());
        Assert.Equal("{\"cursor\": 3}", _sink.Responses[^1].Checkpoint.StateJson);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("100000001")]
    public async Task An_invalid_load_knob_is_a_task_for_the_customer(string value)
    {
        // The customer's own setting (issue 14 item 14): a Fivetran task, not an error status.
        var error = await Assert.ThrowsAsync<ConnectorAlertException>(() => Update(null, ("recordCount", value)));
        Assert.Equal(ConnectorAlertKind.Task, error.Kind);
        Assert.Contains("recordCount", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    private Task<TestResponse> Test(string name, params (string Key, string Value)[] configuration)
    {
        var request = new TestRequest { Name = name };
        foreach (var (key, value) in configuration)
        {
            request.Configuration[key] = value;
        }

        return _connector.TestAsync(request, CancellationToken.None);
    }

    private async Task Update(string? state, params (string Key, string Value)[] configuration)
    {
        var request = new UpdateRequest();
        if (state is not null)
        {
            request.StateJson = state;
        }

        foreach (var (key, value) in configuration)
        {
            request.Configuration[key] = value;
        }

        var output = new RecordBatcher(_sink);
        await _connector.UpdateAsync(request, output, CancellationToken.None);
        await output.FlushAsync();
    }

    private static void AssertRow(Record record, string table, RecordType type, params (string Column, object Value)[] row)
    {
        Assert.Equal((table, type, false), (record.TableName, record.Type, record.HasSchemaName));
        Assert.Equal(row.Select(c => c.Column).Order(), record.Data.Keys.Order());
        foreach (var (column, value) in row)
        {
            var actual = record.Data[column];
            switch (value)
            {
                case string s:
                    Assert.Equal((FivetranSdk.V2.ValueType.InnerOneofCase.String, s), (actual.InnerCase, actual.String));
                    break;
                case double d:
                    Assert.Equal((FivetranSdk.V2.ValueType.InnerOneofCase.Double, d), (actual.InnerCase, actual.Double));
                    break;
                default:
                    throw new ArgumentException($"Unexpected expected value type {value.GetType()}");
            }
        }
    }
}
