using System.IO.Compression;
using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Dispatch;
using FivetranSdk.V2;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.Serving;

/// <summary>The README's "Protocol behaviour" table, over real HTTP/2 on loopback against the serving and dispatch layers.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    private const string DestinationPath = "/fivetran_sdk.v2.DestinationConnector";
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(20);
    private InProcessHost _host = null!;

    public async Task InitializeAsync() => _host = await InProcessHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Unknown_service_is_unimplemented()
    {
        var method = new Method<TestRequest, TestResponse>(MethodType.Unary, "nope.Missing", "Call",
            Marshallers.Create(r => r.ToByteArray(), TestRequest.Parser.ParseFrom), Marshallers.Create(r => r.ToByteArray(), TestResponse.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(), new TestRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Unknown_method_of_a_served_service_is_unimplemented()
    {
        var answer = await _host.PostAsync($"{DestinationPath}/NoSuchMethod", InProcessHost.Frame([]));

        Assert.Equal(200, answer.HttpStatus);
        Assert.Equal("12", answer.GrpcStatus);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    public async Task Wrong_content_type_is_http_415(string contentType)
    {
        var answer = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame([]), contentType);

        Assert.Equal(415, answer.HttpStatus);
    }

    [Fact]
    public async Task Non_post_is_http_405()
    {
        var answer = await _host.PostAsync($"{DestinationPath}/Test", [], method: HttpMethod.Get);

        Assert.Equal(405, answer.HttpStatus);
        Assert.Equal("POST", answer.Fields["Allow"]);
    }

    [Fact]
    public async Task Unparseable_request_is_internal_saying_so_and_logged()
    {
        var answer = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.Equal("13", answer.GrpcStatus);
        Assert.Contains("could not be parsed as TestRequest", answer.GrpcMessage);
        await _host.WaitForLogAsync("could not be parsed as TestRequest");
    }

    [Fact]
    public async Task Request_declared_over_128_MiB_is_resource_exhausted_from_its_header()
    {
        // Only the 5-byte header (declaring 128 MiB + 1) and a few bytes are sent: the answer cannot wait for the body.
        var header = InProcessHost.Frame(new byte[16]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 128 * 1024 * 1024 + 1);

        var answer = await _host.PostAsync($"{DestinationPath}/Test", header);

        Assert.Equal("8", answer.GrpcStatus);
    }

    [Fact]
    public async Task Response_over_128_MiB_is_resource_exhausted()
    {
        _host.Destination.Test = (_, _) => Task.FromResult(new TestResponse { Failure = new string('x', 128 * 1024 * 1024 + 1) });

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.DestinationClient.TestAsync(new TestRequest()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Messages_just_under_128_MiB_pass_both_ways()
    {
        var big = new string('y', 100 * 1024 * 1024);
        _host.Destination.Test = (request, _) => Task.FromResult(new TestResponse { Failure = request.Name });

        var response = await _host.DestinationClient.TestAsync(new TestRequest { Name = big });

        Assert.Equal(big.Length, response.Failure.Length);
    }

    [Fact]
    public async Task Deadline_answers_deadline_exceeded_and_cancels_the_plugin_token()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Destination.WriteBatch = async (_, token) =>
        {
            using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
            return new WriteBatchResponse();
        };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _host.DestinationClient.WriteBatchAsync(new WriteBatchRequest(), deadline: DateTime.UtcNow.AddMilliseconds(500)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await cancelled.Task.WaitAsync(SignalTimeout);
        await _host.WaitForLogAsync("ScriptedDestination WriteBatch was cancelled: the call's deadline passed");
    }

    [Fact]
    public async Task Client_cancel_cancels_the_plugin_token_and_is_logged_as_a_warning_naming_method_and_plugin()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Source.Update = async (_, output, token) =>
        {
            using var registration = token.Register(() => cancelled.TrySetResult());
            await output.CheckpointAsync("{}", token);
            await output.FlushAsync(token);
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        };
        using var client = new CancellationTokenSource();
        using var call = _host.SourceClient.Update(new UpdateRequest(), cancellationToken: client.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await started.Task.WaitAsync(SignalTimeout);

        client.Cancel();

        await cancelled.Task.WaitAsync(SignalTimeout);
        await _host.WaitForLogAsync("\"level\":\"WARNING\",\"message\":\"ScriptedSource Update was cancelled: the client cancelled the call or disconnected\"");
        Assert.DoesNotContain("Unhandled", _host.Log);
    }

    [Fact]
    public async Task Gzip_request_gets_a_gzip_response_and_an_identity_request_does_not()
    {
        _host.Destination.Test = (request, _) => Task.FromResult(new TestResponse { Failure = request.Name });
        var request = new TestRequest { Name = new string('z', 10_000) }.ToByteArray();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(request);
        }

        var gzipped = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame(compressed.ToArray(), compressed: true),
            headers: [new("grpc-encoding", "gzip"), new("grpc-accept-encoding", "identity,gzip")]);
        var plain = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame(request),
            headers: [new("grpc-accept-encoding", "identity,gzip")]);

        Assert.Equal("0", gzipped.GrpcStatus);
        Assert.Equal(1, gzipped.Body[0]);
        Assert.True(gzipped.Body.Length < 1000, "the 10,000-character answer is compressed");
        using (var body = new GZipStream(new MemoryStream(gzipped.Body, 5, gzipped.Body.Length - 5), CompressionMode.Decompress))
        {
            Assert.Equal(new string('z', 10_000), TestResponse.Parser.ParseFrom(body).Failure);
        }

        Assert.Equal("0", plain.GrpcStatus);
        Assert.Equal(0, plain.Body[0]);
        Assert.Equal(new string('z', 10_000), TestResponse.Parser.ParseFrom(plain.Body.AsSpan(5)).Failure);
    }

    [Theory]
    [InlineData("tab\there, newline\nand CR\r, 100% sure")]
    [InlineData("ünïcödé and emoji 🚀🔥 and \"quotes\"")]
    public async Task Status_messages_are_percent_encoded_and_arrive_intact(string message)
    {
        _host.Destination.CreateTable = (_, _) => throw new ConnectorException(ConnectorErrorKind.InvalidArgument, message);

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.DestinationClient.CreateTableAsync(new CreateTableRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task A_1_MB_status_message_is_capped_at_8000_bytes_and_logged_whole()
    {
        var message = "start " + string.Concat(Enumerable.Repeat("é🚀x", 1024 * 1024 / 7)) + " end-of-message";
        _host.Destination.WriteBatch = (_, _) => throw new ConnectorException(ConnectorErrorKind.InvalidArgument, message);

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.DestinationClient.WriteBatchAsync(new WriteBatchRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.True(Encoding.UTF8.GetByteCount(error.Status.Detail) <= StatusMessage.MaxBytes);
        Assert.StartsWith("start é🚀x", error.Status.Detail);
        Assert.EndsWith(StatusMessage.CutMarker, error.Status.Detail);
        await _host.WaitForLogAsync("end-of-message");
        Assert.Contains(_host.LogMessages(), logged => logged.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("300m")]
    [InlineData("300000u")]
    [InlineData("300000000n")]
    [InlineData("1S")]
    public async Task Grpc_timeout_units_arm_the_deadline(string timeout)
    {
        _host.Destination.Test = async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new TestResponse();
        };

        var answer = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame([]), headers: [new("grpc-timeout", timeout)]);

        Assert.Equal("4", answer.GrpcStatus);
    }

    [Theory]
    [InlineData("1H")]
    [InlineData("1M")]
    [InlineData("99999999H")]
    [InlineData("99999999S")]
    [InlineData("123456789S")]
    [InlineData("12X")]
    [InlineData("S")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    public async Task Long_too_long_or_malformed_grpc_timeouts_still_get_a_grpc_answer(string timeout)
    {
        var answer = await _host.PostAsync($"{DestinationPath}/Test", InProcessHost.Frame([]), headers: [new("grpc-timeout", timeout)]);

        Assert.True(answer.HttpStatus == 200, $"HTTP {answer.HttpStatus}: {Encoding.UTF8.GetString(answer.Body)} {string.Join(";", answer.Fields)}");
        Assert.Equal("0", answer.GrpcStatus);
    }
}
