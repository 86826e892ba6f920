using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// A Fivetran source connector (the SourceConnector service). The host calls these for every RPC;
/// the plugin never sees HTTP or gRPC. Throw <see cref="ConnectorException"/> to answer a specific status.
/// </summary>
public interface ISourceConnector
{
    Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken);

    Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken);

    Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one sync into <paramref name="output"/>. Records are batched by the output; checkpoints,
    /// warnings, tasks and schema changes are sent in order after every record written before them.
    /// </summary>
    Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken);
}
