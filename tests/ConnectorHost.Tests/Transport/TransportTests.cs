using System.Buffers.Binary;
using System.Net;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Transport;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Tests.Transport;

/// <summary>The gRPC HTTP/2 protocol as our transport speaks it, over real HTTP/2 on loopback.</summary>
public sealed class TransportTests
{
    private const string Service = "test.Echo";
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(20);

    private readonly TaskCompletionSource _handlerCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _handlerStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerCallContext? _lastContext;
    private IReadOnlyDictionary<string, string>? _lastMetadata;

    private GrpcServiceRegistry CreateRegistry()
    {
        var registry = new GrpcServiceRegistry();
        registry.AddUnary<TestRequest, TestResponse>(Service, "Echo", TestRequest.Parser, (request, context) =>
        {
            _lastContext = context;
            _lastMetadata = context.RequestHeaders;
            foreach (var (key, value) in request.Configuration)
            {
                context.AddResponseTrailer($"echo-{key}", value);
            }

            return Task.FromResult(new TestResponse { Failure = request.Name });
        });
        registry.AddUnary<TestRequest, Warning>(Service, "Empty", TestRequest.Parser, (_, _) => Task.FromResult(new Warning()));
        registry.AddUnary<TestRequest, TestResponse>(Service, "Fail", TestRequest.Parser,
            (request, _) => throw new RpcException((StatusCode)int.Parse(request.Configuration["code"]), request.Name));
        registry.AddUnary<TestRequest, TestResponse>(Service, "Throw", TestRequest.Parser,
            (_, _) => throw new InvalidOperationException("secret detail that must not leak"));
        registry.AddUnary<TestRequest, TestResponse>(Service, "Big", TestRequest.Parser,
            (request, _) => Task.FromResult(new TestResponse { Failure = new string('x', int.Parse(request.Name)) }));
        registry.AddUnary<TestRequest, TestResponse>(Service, "Length", TestRequest.Parser,
            (request, _) => Task.FromResult(new TestResponse { Failure = request.Name.Length.ToString() }));
        registry.AddServerStreaming<TestRequest, Warning>(Service, "Count", TestRequest.Parser, async (request, writer, _) =>
        {
            for (var i = 0; i < int.Parse(request.Name); i++)
            {
                await writer.WriteAsync(new Warning { Message = $"m{i}" });
            }
        });
        registry.AddServerStreaming<TestRequest, Warning>(Service, "Hang", TestRequest.Parser, async (_, writer, context) =>
        {
            await writer.WriteAsync(new Warning { Message = "first" });
            using var registration = context.CancellationToken.Register(() => _handlerCancelled.TrySetResult());
            _handlerStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        });
        registry.AddUnary<TestRequest, TestResponse>(Service, "Slow", TestRequest.Parser, async (_, context) =>
        {
            using var registration = context.CancellationToken.Register(() => _handlerCancelled.TrySetResult());
            _handlerStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new TestResponse();
        });
        registry.AddDuplexStreaming<TestRequest, TestResponse>(Service, "Chat", TestRequest.Parser, async (reader, writer, _) =>
        {
            while (await reader.MoveNextAsync())
            {
                await writer.WriteAsync(new TestResponse { Failure = reader.Current.Name.ToUpperInvariant() });
            }
        });
        return registry;
    }

    private Task<InProcessGrpcServer> StartAsync(GrpcTransportOptions? options = null) =>
        InProcessGrpcServer.StartAsync(CreateRegistry(), options);

    [Fact]
    public async Task Unary_call_round_trips_request_and_response()
    {
        await using var server = await StartAsync();
        var result = await server.Client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = "hello" }, TestResponse.Parser);

        Assert.Equal(StatusCode.OK, result.Status);
        Assert.Equal("hello", result.Response!.Failure);
        Assert.Equal(200, result.HttpStatus);
        Assert.Equal("application/grpc", result.Headers["content-type"]);
        Assert.Equal("0", result.Trailers["grpc-status"]);
    }

    [Fact]
    public async Task The_benchmarks_lean_unary_call_returns_the_response_and_throws_on_any_other_status()
    {
        await using var server = await StartAsync();
        var client = server.Client;

        Assert.Equal("hello", (await client.UnaryResponseAsync($"/{Service}/Echo", new TestRequest { Name = "hello" }, TestResponse.Parser)).Failure);
        Assert.Equal(new Warning(), await client.UnaryResponseAsync($"/{Service}/Empty", new TestRequest(), Warning.Parser));

        var failed = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryResponseAsync($"/{Service}/Fail",
            new TestRequest { Name = "not today", Configuration = { ["code"] = "9" } }, TestResponse.Parser));
        Assert.Contains("grpc-status 9", failed.Message);
        Assert.Contains("not today", failed.Message);

        var unknown = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryResponseAsync($"/{Service}/Nope", new TestRequest(), TestResponse.Parser));
        Assert.Contains("grpc-status 12", unknown.Message); // trailers-only UNIMPLEMENTED
    }

    [Fact]
    public async Task The_socket_level_load_client_speaks_HTTP2_to_Kestrel_calls_after_calls_with_flow_control_both_ways()
    {
        await using var server = await StartAsync();
        await using var client = await H2cUnaryClient.ConnectAsync(server.Port);
        using var stalled = new CancellationTokenSource(SignalTimeout); // a flow-control bug fails instead of hanging

        Assert.Equal("hello", (await client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = "hello" }, TestResponse.Parser, stalled.Token)).Failure);
        Assert.Equal(new Warning(), await client.UnaryAsync($"/{Service}/Empty", new TestRequest(), Warning.Parser, stalled.Token));

        // 200 requests of 1,000 bytes overrun the 65,535-byte initial connection window: the server must reopen it.
        var name = new string('n', 1000);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(name, (await client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = name }, TestResponse.Parser, stalled.Token)).Failure);
        }

        // 200 responses of 100 KB exceed the client's 16 MiB connection receive window, so the client must reopen it.
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(100_000, (await client.UnaryAsync($"/{Service}/Big", new TestRequest { Name = "100000" }, TestResponse.Parser, stalled.Token)).Failure.Length);
        }

        var failed = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryAsync($"/{Service}/Fail",
            new TestRequest { Name = "not today", Configuration = { ["code"] = "9" } }, TestResponse.Parser, stalled.Token));
        Assert.Contains("grpc-status 9", failed.Message);
        Assert.Contains("not today", failed.Message);
        var unknown = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryAsync($"/{Service}/Nope", new TestRequest(), TestResponse.Parser, stalled.Token));
        Assert.Contains("grpc-status 12", unknown.Message);

        // The connection is still usable after failed calls.
        Assert.Equal("again", (await client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = "again" }, TestResponse.Parser, stalled.Token)).Failure);
    }

    [Fact]
    public async Task Zero_length_request_and_response_messages_are_valid()
    {
        await using var server = await StartAsync();
        var result = await server.Client.UnaryAsync($"/{Service}/Empty", new TestRequest(), Warning.Parser);

        Assert.Equal(StatusCode.OK, result.Status);
        Assert.Equal(new Warning(), result.Response);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order()
    {
        await using var server = await StartAsync();
        var result = await server.Client.ServerStreamingAsync($"/{Service}/Count", new TestRequest { Name = "5000" }, Warning.Parser);

        Assert.Equal(StatusCode.OK, result.Status);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"m{i}"), result.Response!.Select(w => w.Message));
    }

    [Fact]
    public async Task Server_streaming_with_no_messages_ends_trailers_only()
    {
        await using var server = await StartAsync();
        var result = await server.Client.ServerStreamingAsync($"/{Service}/Count", new TestRequest { Name = "0" }, Warning.Parser);

        Assert.Equal(StatusCode.OK, result.Status);
        Assert.Empty(result.Response!);
        Assert.True(result.TrailersOnly);
    }

    [Fact]
    public async Task Duplex_call_answers_each_request_message()
    {
        await using var server = await StartAsync();
        var body = new MemoryStream();
        foreach (var word in new[] { "a", "bc", "" })
        {
            body.Write(GrpcTestClient.Frame(new TestRequest { Name = word }.ToByteArray(), compressed: false));
        }

        var raw = await server.Client.SendRawAsync($"/{Service}/Chat", GrpcTestClient.GrpcContent(body.ToArray()));

        Assert.Equal("0", raw.GrpcStatus);
        Assert.Equal(["A", "BC", ""], ParseFrames(raw.Body).Select(m => TestResponse.Parser.ParseFrom(m).Failure));
    }

    [Fact]
    public async Task Unknown_service_is_unimplemented_trailers_only()
    {
        await using var server = await StartAsync();
        var result = await server.Client.UnaryAsync("/no.Such/Method", new TestRequest(), TestResponse.Parser);

        Assert.Equal(StatusCode.Unimplemented, result.Status);
        Assert.Equal(200, result.HttpStatus);
        Assert.True(result.TrailersOnly);
        Assert.Equal("Service 'no.Such' is unimplemented.", result.Message);
    }

    [Fact]
    public async Task Unknown_method_of_a_known_service_is_unimplemented()
    {
        await using var server = await StartAsync();
        var result = await server.Client.UnaryAsync($"/{Service}/Nope", new TestRequest(), TestResponse.Parser);

        Assert.Equal(StatusCode.Unimplemented, result.Status);
        Assert.Equal($"Method 'Nope' of service '{Service}' is unimplemented.", result.Message);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    [InlineData("text/plain")]
    public async Task Wrong_content_type_is_http_415(string contentType)
    {
        await using var server = await StartAsync();
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo",
            GrpcTestClient.GrpcContent(GrpcTestClient.Frame([], false), contentType));

        Assert.Equal(415, raw.HttpStatus);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Content_type_variants_of_application_grpc_are_accepted(string contentType)
    {
        await using var server = await StartAsync();
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo",
            GrpcTestClient.GrpcContent(GrpcTestClient.Frame(new TestRequest { Name = "x" }.ToByteArray(), false), contentType));

        Assert.Equal("0", raw.GrpcStatus);
    }

    [Fact]
    public async Task Non_post_request_is_http_405()
    {
        await using var server = await StartAsync();
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent([]), method: "PUT");

        Assert.Equal(405, raw.HttpStatus);
    }

    [Fact]
    public async Task Truncated_frame_is_internal_with_a_precise_message()
    {
        await using var server = await StartAsync();
        var framed = GrpcTestClient.Frame(new TestRequest { Name = "truncated" }.ToByteArray(), false);
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent(framed[..^3]));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.StartsWith("Incomplete message: the request ended", raw.GrpcMessage);
    }

    [Fact]
    public async Task Unparseable_message_is_internal_naming_the_type()
    {
        await using var server = await StartAsync();
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo",
            GrpcTestClient.GrpcContent(GrpcTestClient.Frame([0xFF, 0xFF, 0xFF], false)));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.StartsWith("Failed to deserialize request message 1 as TestRequest", raw.GrpcMessage);
    }

    [Fact]
    public async Task Empty_request_body_on_a_unary_method_is_internal()
    {
        await using var server = await StartAsync();
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent([]));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Contains("without a message", raw.GrpcMessage);
    }

    [Fact]
    public async Task Two_messages_on_a_unary_method_is_internal()
    {
        await using var server = await StartAsync();
        var one = GrpcTestClient.Frame(new TestRequest { Name = "a" }.ToByteArray(), false);
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent([.. one, .. one]));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Contains("more than one message", raw.GrpcMessage);
    }

    [Fact]
    public async Task Invalid_compressed_flag_is_internal()
    {
        await using var server = await StartAsync();
        var framed = GrpcTestClient.Frame([], false);
        framed[0] = 7;
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent(framed));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Contains("compressed flag is 7", raw.GrpcMessage);
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_internal()
    {
        await using var server = await StartAsync();
        var body = GrpcTestClient.Frame(GrpcTestClient.Gzip(new TestRequest { Name = "z" }.ToByteArray()), compressed: true);
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent(body));

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Contains("no grpc-encoding", raw.GrpcMessage);
    }

    [Fact]
    public async Task Compressed_message_in_an_unsupported_encoding_is_unimplemented_and_lists_accepted_encodings()
    {
        await using var server = await StartAsync();
        var body = GrpcTestClient.Frame([1, 2, 3], compressed: true);
        var raw = await server.Client.SendRawAsync($"/{Service}/Echo", GrpcTestClient.GrpcContent(body),
            new GrpcCallOptions { Metadata = new Dictionary<string, string> { ["grpc-encoding"] = "snappy" } });

        Assert.Equal("12", raw.GrpcStatus);
        Assert.Contains("snappy", raw.GrpcMessage);
        Assert.Equal("identity,gzip", raw.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task Gzip_request_is_decompressed_and_the_response_is_gzip_compressed()
    {
        await using var server = await StartAsync();
        var name = new string('g', 10_000);
        await using var call = await server.Client.StartAsync($"/{Service}/Echo",
            new TestRequest { Name = name }.ToByteArray(), new GrpcCallOptions { CompressRequest = true });
        var responses = new List<TestResponse>();
        await foreach (var response in call.ReadAllAsync(TestResponse.Parser))
        {
            responses.Add(response);
        }

        var result = call.Complete(responses);
        Assert.Equal(StatusCode.OK, result.Status);
        Assert.True(call.Compressed);
        Assert.Equal(name, Assert.Single(responses).Failure);
    }

    [Fact]
    public async Task Uncompressed_request_gets_an_uncompressed_response()
    {
        await using var server = await StartAsync();
        await using var call = await server.Client.StartAsync($"/{Service}/Echo", new TestRequest { Name = "plain" }.ToByteArray());
        await foreach (var _ in call.ReadAllAsync(TestResponse.Parser))
        {
        }

        Assert.False(call.Compressed);
    }

    [Fact]
    public async Task Deadline_cancels_the_handler_and_answers_deadline_exceeded()
    {
        await using var server = await StartAsync();
        var result = await server.Client.UnaryAsync($"/{Service}/Slow", new TestRequest(), TestResponse.Parser,
            new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(StatusCode.DeadlineExceeded, result.Status);
        await _handlerCancelled.Task.WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task Deadline_mid_stream_ends_the_stream_with_deadline_exceeded_after_the_messages_sent()
    {
        await using var server = await StartAsync();
        var result = await server.Client.ServerStreamingAsync($"/{Service}/Hang", new TestRequest(), Warning.Parser,
            new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(StatusCode.DeadlineExceeded, result.Status);
        Assert.False(result.TrailersOnly);
        await _handlerCancelled.Task.WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task Deadline_is_visible_to_the_handler()
    {
        await using var server = await StartAsync();
        var before = DateTime.UtcNow;
        await server.Client.UnaryAsync($"/{Service}/Echo", new TestRequest(), TestResponse.Parser,
            new GrpcCallOptions { Timeout = TimeSpan.FromMinutes(5) });

        Assert.InRange(_lastContext!.Deadline!.Value, before.AddMinutes(4), before.AddMinutes(6));
    }

    [Fact]
    public async Task Client_cancelling_mid_stream_cancels_the_handler()
    {
        await using var server = await StartAsync();
        using var cancel = new CancellationTokenSource();
        var call = await server.Client.StartAsync($"/{Service}/Hang", new TestRequest().ToByteArray(),
            new GrpcCallOptions { CancellationToken = cancel.Token });
        await using (call)
        {
            await using var messages = call.ReadAllAsync(Warning.Parser).GetAsyncEnumerator();
            Assert.True(await messages.MoveNextAsync());
            Assert.Equal("first", messages.Current.Message);
            await _handlerStarted.Task.WaitAsync(SignalTimeout);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await messages.MoveNextAsync());
        }

        await _handlerCancelled.Task.WaitAsync(SignalTimeout);
        // The server still serves after the reset stream.
        var after = await server.Client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = "still here" }, TestResponse.Parser);
        Assert.Equal("still here", after.Response!.Failure);
    }

    [Fact]
    public async Task Declared_length_over_the_limit_is_refused_from_the_header_before_the_body_arrives()
    {
        await using var server = await StartAsync();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 200u * 1024 * 1024);
        var bodyNeverSent = new TaskCompletionSource();
        try
        {
            var raw = await server.Client.SendRawAsync($"/{Service}/Echo", new HeaderThenWaitContent(header, bodyNeverSent.Task));

            Assert.Equal("8", raw.GrpcStatus);
            Assert.Equal($"Received message larger than max ({200 * 1024 * 1024} vs. {128 * 1024 * 1024})", raw.GrpcMessage);
        }
        finally
        {
            bodyNeverSent.TrySetResult();
        }
    }

    [Fact]
    public async Task A_100_MB_message_over_the_configured_limit_is_resource_exhausted()
    {
        await using var server = await StartAsync(new GrpcTransportOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        var request = new TestRequest { Name = new string('a', 100 * 1000 * 1000) };
        var result = await server.Client.UnaryAsync($"/{Service}/Length", request, TestResponse.Parser);

        Assert.Equal(StatusCode.ResourceExhausted, result.Status);
        Assert.StartsWith("Received message larger than max", result.Message);
    }

    [Fact]
    public async Task Large_messages_under_the_limit_pass_both_ways()
    {
        await using var server = await StartAsync();
        var request = new TestRequest { Name = new string('a', 40 * 1000 * 1000) };
        var length = await server.Client.UnaryAsync($"/{Service}/Length", request, TestResponse.Parser);
        var big = await server.Client.UnaryAsync($"/{Service}/Big", new TestRequest { Name = "40000000" }, TestResponse.Parser);

        Assert.Equal("40000000", length.Response!.Failure);
        Assert.Equal(40_000_000, big.Response!.Failure.Length);
    }

    [Fact]
    public async Task Response_over_the_send_limit_is_resource_exhausted()
    {
        await using var server = await StartAsync(new GrpcTransportOptions { MaxSendMessageSize = 1000 });
        var result = await server.Client.UnaryAsync($"/{Service}/Big", new TestRequest { Name = "5000" }, TestResponse.Parser);

        Assert.Equal(StatusCode.ResourceExhausted, result.Status);
        Assert.StartsWith("Sending message larger than max", result.Message);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "plain message")]
    [InlineData(StatusCode.NotFound, "tab\there, newline\nthere, percent 100% and ünïcödé ✓ 🚀")]
    [InlineData(StatusCode.FailedPrecondition, "\r\n\u0001 control characters")]
    public async Task Status_and_message_with_special_characters_arrive_intact(StatusCode code, string message)
    {
        await using var server = await StartAsync();
        var request = new TestRequest { Name = message, Configuration = { ["code"] = ((int)code).ToString() } };
        var result = await server.Client.UnaryAsync($"/{Service}/Fail", request, TestResponse.Parser);

        Assert.Equal(code, result.Status);
        Assert.Equal(message, result.Message);
        Assert.True(result.TrailersOnly);
        Assert.DoesNotContain(result.Headers["grpc-message"], c => c is < ' ' or > '~');
    }

    [Fact]
    public async Task Unexpected_handler_exception_is_internal_without_its_message_and_the_server_keeps_serving()
    {
        await using var server = await StartAsync();
        var failed = await server.Client.UnaryAsync($"/{Service}/Throw", new TestRequest(), TestResponse.Parser);
        var next = await server.Client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = "ok" }, TestResponse.Parser);

        Assert.Equal(StatusCode.Internal, failed.Status);
        Assert.DoesNotContain("secret", failed.Message);
        Assert.Equal(StatusCode.OK, next.Status);
    }

    [Fact]
    public async Task Custom_metadata_reaches_the_handler_and_response_trailers_reach_the_client()
    {
        await using var server = await StartAsync();
        var request = new TestRequest { Name = "m", Configuration = { ["k"] = "v" } };
        var result = await server.Client.UnaryAsync($"/{Service}/Echo", request, TestResponse.Parser,
            new GrpcCallOptions { Metadata = new Dictionary<string, string> { ["x-custom"] = "custom value" } });

        Assert.Equal("custom value", _lastMetadata!["x-custom"]);
        Assert.False(_lastMetadata.ContainsKey("grpc-accept-encoding"));
        Assert.Equal("v", result.Trailers["echo-k"]);
    }

    [Fact]
    public async Task Concurrent_calls_on_one_connection_are_independent()
    {
        await using var server = await StartAsync();
        var calls = Enumerable.Range(0, 50).Select(i =>
            server.Client.UnaryAsync($"/{Service}/Echo", new TestRequest { Name = $"n{i}" }, TestResponse.Parser));
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"n{i}"), results.Select(r => r.Response!.Failure));
    }

    private static List<byte[]> ParseFrames(byte[] body)
    {
        var messages = new List<byte[]>();
        for (var offset = 0; offset < body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return messages;
    }

    /// <summary>Sends a frame header, then holds the request open without ever sending the body.</summary>
    private sealed class HeaderThenWaitContent : HttpContent
    {
        private readonly byte[] header;
        private readonly Task release;

        public HeaderThenWaitContent(byte[] header, Task release)
        {
            this.header = header;
            this.release = release;
            Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(header);
            await stream.FlushAsync();
            await release;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            SerializeToStreamAsync(stream, context);
    }
}
