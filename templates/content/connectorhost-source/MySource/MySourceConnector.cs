using System.Globalization;
using System.Text.Json;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace MySource;

/// <summary>
/// A source that emits <c>rowCount</c> rows of a <c>greetings</c> table per sync and remembers how far it got.
/// Replace the body of <see cref="UpdateAsync"/> with calls to your API.
/// </summary>
public sealed class MySourceConnector(PluginContext context) : ISourceConnector
{
    private const string Table = "greetings";
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<MySourceConnector>();

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken)
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = false, TableSelectionSupported = true };
        form.Fields.Add(new FormField
        {
            Name = "rowCount",
            Label = "Rows per sync",
            Required = true,
            Description = "How many greetings one sync emits",
            TextField = TextField.PlainText,
        });
        form.Fields.Add(new FormField { Name = "apiKey", Label = "API key", Required = false, TextField = TextField.Password });
        form.Tests.Add(new ConfigurationTest { Name = "configuration", Label = "Checking the configuration" });
        return Task.FromResult(form);
    }

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(RowCount(request.Configuration) is null
            ? new TestResponse { Failure = "rowCount must be a whole number from 0 to 1000000." }
            : new TestResponse { Success = true });

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken)
    {
        var table = new FivetranSdk.V2.Table { Name = Table };
        table.Columns.Add(new Column { Name = "id", Type = DataType.Long, PrimaryKey = true });
        table.Columns.Add(new Column { Name = "message", Type = DataType.String });
        var tables = new TableList();
        tables.Tables.Add(table);
        return Task.FromResult(new SchemaResponse { WithoutSchema = tables });
    }

    public async Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken)
    {
        var rows = RowCount(request.Configuration)
            ?? throw new ConnectorException(ConnectorErrorKind.InvalidArgument, "rowCount must be a whole number from 0 to 1000000.");
        var state = string.IsNullOrEmpty(request.StateJson) ? new State() : JsonSerializer.Deserialize<State>(request.StateJson) ?? new State();
        _logger.LogInformation("Sync starting after id {LastId}", state.LastId);

        for (var i = 0; i < rows; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.LastId++;
            await output.UpsertAsync(Table, new Dictionary<string, object?>
            {
                ["id"] = state.LastId,
                ["message"] = $"hello #{state.LastId}",
            }, cancellationToken: cancellationToken);
        }

        // Everything written before a checkpoint reaches Fivetran before it.
        await output.CheckpointAsync(state, cancellationToken);
    }

    private static int? RowCount(IDictionary<string, string> configuration) =>
        configuration.TryGetValue("rowCount", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
        && count <= 1_000_000
            ? count
            : null;

    private sealed class State
    {
        [System.Text.Json.Serialization.JsonPropertyName("last_id")]
        public long LastId { get; set; }
    }
}
