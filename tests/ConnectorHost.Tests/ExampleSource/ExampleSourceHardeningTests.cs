using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Testing.Source;
using ExampleSource;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ConnectorHost.Tests.ExampleSource;

/// <summary>Issue 14 items 14 and 15 for the example source, called in-process.</summary>
public sealed class ExampleSourceHardeningTests
{
    private readonly ExampleSourceConnector _connector =
        new(new PluginContext("ExampleSource", AppContext.BaseDirectory, Path.GetTempPath(), NullLoggerFactory.Instance));

    private readonly InMemoryUpdateSink _sink = new();

    private async Task<string> CheckpointAfterSync(string? state, params (string Key, string Value)[] configuration)
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
        return _sink.Responses[^1].Checkpoint.StateJson;
    }

    [Theory]
    [InlineData("{\"cursor\": 10, \"other\": \"x\"}", "{\"cursor\": 16, \"other\": \"x\"}")]
    [InlineData("{\"other\": \"x\", \"cursor\": 10}", "{\"other\": \"x\", \"cursor\": 16}")]
    [InlineData("{\"other\": {\"nested\": [1, 2]}}", "{\"other\": {\"nested\": [1, 2]}, \"cursor\": 6}")]
    [InlineData("{\"a\": 1, \"cursor\": null, \"b\": true}", "{\"a\": 1, \"cursor\": 6, \"b\": true}")]
    [InlineData("{\"cursor\": 10}", "{\"cursor\": 16}")]
    [InlineData(null, "{\"cursor\": 6}")]
    public async Task Unknown_state_keys_are_kept_in_their_place(string? state, string checkpoint)
    {
        Assert.Equal(checkpoint, await CheckpointAfterSync(state));
    }

    [Fact]
    public async Task A_bad_configuration_value_is_a_task_whose_text_says_how_to_fix_it_and_nothing_is_emitted()
    {
        var alert = await Assert.ThrowsAsync<ConnectorAlertException>(() => CheckpointAfterSync(null, ("recordCount", "lots")));
        Assert.Equal(ConnectorAlertKind.Task, alert.Kind);
        Assert.Equal(
            "The configuration value 'recordCount' must be a whole number from 0 to 100000000 (how many table1 rows to emit); got 'lots'. Enter such a number in the connector's setup, or remove the value for the default of 3.",
            alert.Message);
        Assert.Empty(_sink.Responses);
    }

    [Fact]
    public async Task Bad_state_from_the_platform_stays_an_error_status()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() => CheckpointAfterSync("{\"cursor\": -1, \"other\": 1}"));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
    }
}
