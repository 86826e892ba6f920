using System.Net;
using System.Net.Http.Headers;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Dispatch;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Serving;
using FivetranSdk.V2;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Tests.Serving;

/// <summary>
/// The host's serving and dispatch layers in process: one <see cref="PortServer"/> on a free loopback port serving
/// both contracts over scripted plugins, the log captured, and clients for it (Grpc.Net.Client with the generated
/// stubs, and raw HTTP/2 for what a gRPC client will not send). Kept in one file so the test kit can absorb it.
/// </summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly PortServer _server;
    private readonly HostLogging _logging;
    private readonly LogCapture _log;
    private readonly GrpcChannel _channel;

    private InProcessHost(PortServer server, HostLogging logging, LogCapture log, HostLifecycle lifecycle, ScriptedSource source, ScriptedDestination destination)
    {
        _server = server;
        _logging = logging;
        _log = log;
        Lifecycle = lifecycle;
        Source = source;
        Destination = destination;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.BoundPort}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
    }

    public const string SourcePluginName = "ScriptedSource";
    public const string DestinationPluginName = "ScriptedDestination";

    public int Port => _server.BoundPort;

    public HostLifecycle Lifecycle { get; }

    public ScriptedSource Source { get; }

    public ScriptedDestination Destination { get; }

    public GrpcChannel Channel => _channel;

    public SourceConnector.SourceConnectorClient SourceClient => new(_channel);

    public DestinationConnector.DestinationConnectorClient DestinationClient => new(_channel);

    /// <summary>Every line logged so far (Fivetran JSON on stdout, "DEBUG …" on stderr).</summary>
    public string Log => _log.Text;

    public static async Task<InProcessHost> StartAsync(bool serveSource = true, bool serveDestination = true, TimeSpan? shutdownTimeout = null)
    {
        var log = new LogCapture();
        var logging = new HostLogging(log, new SecretRedactor(), Serilog.Events.LogEventLevel.Debug, log);
        var lifecycle = new HostLifecycle();
        var source = new ScriptedSource();
        var destination = new ScriptedDestination();
        var sourceDispatcher = new PluginDispatcher<ISourceConnector>(
            new PluginHandle<ISourceConnector>(new LoadedPlugin<ISourceConnector>(SourcePluginName, "1.0.0", ".", ConnectorSide.Source, source)),
            logging.For(ConnectorSide.Source), logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
        var destinationDispatcher = new PluginDispatcher<IDestinationConnector>(
            new PluginHandle<IDestinationConnector>(new LoadedPlugin<IDestinationConnector>(DestinationPluginName, "1.0.0", ".", ConnectorSide.Destination, destination)),
            logging.For(ConnectorSide.Destination), logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
        var contracts = new List<ServedContract>();
        if (serveSource)
        {
            contracts.Add(ServedContract.For(SourceConnector.Descriptor, new SourceConnectorService(sourceDispatcher, logging.FactoryFor(ConnectorSide.Source))));
        }

        if (serveDestination)
        {
            contracts.Add(ServedContract.For(DestinationConnector.Descriptor, new DestinationConnectorService(destinationDispatcher)));
        }

        var server = PortServer.Create(0, contracts, lifecycle, logging.HostFactory(), shutdownTimeout ?? TimeSpan.FromSeconds(5));
        await server.StartAsync();
        lifecycle.MarkServing();
        return new InProcessHost(server, logging, log, lifecycle, source, destination);
    }

    /// <summary>The message of every Fivetran JSON line logged so far.</summary>
    public IReadOnlyList<string> LogMessages() => Log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(line => line.StartsWith('{'))
        .Select(line =>
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            return document.RootElement.GetProperty("message").GetString() ?? string.Empty;
        })
        .ToList();

    /// <summary>Waits (up to 20 s) until the log holds <paramref name="text"/>.</summary>
    public Task WaitForLogAsync(string text) => _log.WaitForAsync(text, TimeSpan.FromSeconds(20));

    /// <summary>An HTTP/2 cleartext (prior knowledge) client for raw requests.</summary>
    public HttpClient RawClient() => new(new SocketsHttpHandler())
    {
        BaseAddress = new Uri($"http://127.0.0.1:{Port}"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>POSTs <paramref name="body"/> as a gRPC request and reads the whole answer.</summary>
    public async Task<RawAnswer> PostAsync(string path, byte[] body, string contentType = "application/grpc",
        IEnumerable<KeyValuePair<string, string>>? headers = null, HttpMethod? method = null)
    {
        using var client = RawClient();
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (method is null || method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var fields = response.Headers.Concat(response.Content.Headers).Concat(response.TrailingHeaders)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new RawAnswer((int)response.StatusCode, fields, bytes);
    }

    /// <summary>One length-prefixed gRPC message frame.</summary>
    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Stops the server as the host does on SIGTERM (after marking the host draining).</summary>
    public Task StopAsync()
    {
        Lifecycle.BeginDraining();
        return _server.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _logging.Dispose();
    }

    public sealed record RawAnswer(int HttpStatus, IReadOnlyDictionary<string, string> Fields, byte[] Body)
    {
        public string? GrpcStatus => Fields.GetValueOrDefault("grpc-status");

        public string? GrpcMessage => Fields.TryGetValue("grpc-message", out var message) ? Uri.UnescapeDataString(message) : null;
    }

    /// <summary>A text writer that remembers every line and lets tests wait for one.</summary>
    private sealed class LogCapture : TextWriter
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly Lock _gate = new();
        private event Action? Written;

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                _text.Append(value);
            }

            Written?.Invoke();
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                _text.Append(value);
            }

            Written?.Invoke();
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                if (Text.Contains(text, StringComparison.Ordinal))
                {
                    found.TrySetResult();
                }
            }

            Written += Check;
            try
            {
                Check();
                await found.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The log never held \"{text}\". Log:\n{Text}");
            }
            finally
            {
                Written -= Check;
            }
        }
    }
}

/// <summary>A source plugin whose every RPC the test scripts; unscripted RPCs answer empty responses.</summary>
public sealed class ScriptedSource : ISourceConnector
{
    public Func<CancellationToken, Task<ConfigurationFormResponse>> Form { get; set; } = _ => Task.FromResult(new ConfigurationFormResponse());

    public Func<TestRequest, CancellationToken, Task<TestResponse>> Test { get; set; } = (_, _) => Task.FromResult(new TestResponse { Success = true });

    public Func<SchemaRequest, CancellationToken, Task<SchemaResponse>> Schema { get; set; } = (_, _) => Task.FromResult(new SchemaResponse());

    public Func<UpdateRequest, IUpdateOutput, CancellationToken, Task> Update { get; set; } = (_, _, _) => Task.CompletedTask;

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Form(cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => Test(request, cancellationToken);

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) => Schema(request, cancellationToken);

    public Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken) => Update(request, output, cancellationToken);
}

/// <summary>A destination plugin whose RPCs the test scripts; unscripted RPCs answer success.</summary>
public sealed class ScriptedDestination : IDestinationConnector
{
    public Func<CancellationToken, Task<ConfigurationFormResponse>> Form { get; set; } = _ => Task.FromResult(new ConfigurationFormResponse());

    public Func<TestRequest, CancellationToken, Task<TestResponse>> Test { get; set; } = (_, _) => Task.FromResult(new TestResponse { Success = true });

    public Func<DescribeTableRequest, CancellationToken, Task<DescribeTableResponse>> DescribeTable { get; set; } =
        (_, _) => Task.FromResult(new DescribeTableResponse { NotFound = true });

    public Func<CreateTableRequest, CancellationToken, Task<CreateTableResponse>> CreateTable { get; set; } =
        (_, _) => Task.FromResult(new CreateTableResponse { Success = true });

    public Func<WriteBatchRequest, CancellationToken, Task<WriteBatchResponse>> WriteBatch { get; set; } =
        (_, _) => Task.FromResult(new WriteBatchResponse { Success = true });

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Form(cancellationToken);

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CapabilitiesResponse { BatchFileFormat = BatchFileFormat.Csv });

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => Test(request, cancellationToken);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => DescribeTable(request, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => CreateTable(request, cancellationToken);

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new AlterTableResponse { Success = true });

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new TruncateResponse { Success = true });

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) => WriteBatch(request, cancellationToken);

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new WriteBatchResponse { Success = true });

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new MigrateResponse { Unsupported = true });
}
