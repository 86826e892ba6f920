using ConnectorHost.Tests.Support;
using ConnectorHost.Abstractions;
using Grpc.Core;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>Plugin failures become gRPC statuses with the plugin's message, a SEVERE line, and the host keeps serving.</summary>
[Collection(ProbeHostCollection.Name)]
public sealed class ErrorMappingTests(ProbeHostFixture host)
{
    public static TheoryData<ConnectorErrorKind, StatusCode> Kinds => new()
    {
        { ConnectorErrorKind.InvalidArgument, StatusCode.InvalidArgument },
        { ConnectorErrorKind.NotFound, StatusCode.NotFound },
        { ConnectorErrorKind.AlreadyExists, StatusCode.AlreadyExists },
        { ConnectorErrorKind.FailedPrecondition, StatusCode.FailedPrecondition },
        { ConnectorErrorKind.Unimplemented, StatusCode.Unimplemented },
        { ConnectorErrorKind.Unavailable, StatusCode.Unavailable },
        { ConnectorErrorKind.Internal, StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Source_connector_error_kind_maps_to_its_status_with_the_message(ConnectorErrorKind kind, StatusCode expected)
    {
        var message = $"source says {kind} \"quoted\" ünïcode";
        var result = await Rpc.Unary(() => host.Host.SourceClient.SchemaAsync(new SchemaRequest { Configuration = { ["behaviour"] = "connector-error", ["kind"] = kind.ToString(), ["message"] = message } }));

        Assert.Equal(expected, result.Status);
        Assert.Equal(message, result.Message);
        var line = await host.LogContainingAsync(message);
        Assert.Equal("SEVERE", line.Level);
        Assert.Equal("sdk_connector", line.Origin);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Destination_connector_error_kind_maps_to_its_status_with_the_message(ConnectorErrorKind kind, StatusCode expected)
    {
        var message = $"destination says {kind}";
        var result = await Rpc.Unary(() => host.Host.DestinationClient.CreateTableAsync(new CreateTableRequest { Configuration = { ["behaviour"] = "connector-error", ["kind"] = kind.ToString(), ["message"] = message } }));

        Assert.Equal(expected, result.Status);
        Assert.Equal(message, result.Message);
        var line = await host.LogContainingAsync(message);
        Assert.Equal("SEVERE", line.Level);
        Assert.Equal("sdk_destination", line.Origin);
    }

    [Fact]
    public async Task Unexpected_exception_is_internal_naming_plugin_method_and_exception_without_stack_trace()
    {
        var result = await Rpc.Unary(() => host.Host.DestinationClient.TruncateAsync(new TruncateRequest { Configuration = { ["behaviour"] = "plain-error", ["message"] = "disk on fire 4711" } }));

        Assert.Equal(StatusCode.Internal, result.Status);
        Assert.Equal("ProbeDestination failed in Truncate: InvalidOperationException: disk on fire 4711", result.Message);
        var line = await host.LogContainingAsync("disk on fire 4711");
        Assert.Equal("SEVERE", line.Level);
        Assert.DoesNotContain(" at ", line.Message);

        // The host keeps serving: the next call on the same connection succeeds.
        var next = await Rpc.Unary(() => host.Host.DestinationClient.TruncateAsync(new TruncateRequest()));
        Assert.True(next.ResponseOrThrow().Success);
    }

    [Fact]
    public async Task Update_failure_ends_the_stream_with_the_mapped_status()
    {
        var result = await Rpc.Stream(() => host.Host.SourceClient.Update(new UpdateRequest { Configuration = { ["behaviour"] = "connector-error", ["kind"] = "Unavailable", ["message"] = "api down 0815" } }));

        Assert.Equal(StatusCode.Unavailable, result.Status);
        Assert.Equal("api down 0815", result.Message);
    }

    [Fact]
    public async Task Deadline_cancels_the_plugins_token_and_answers_deadline_exceeded()
    {
        var result = await Rpc.Stream(() => host.Host.SourceClient.Update(new UpdateRequest { Configuration = { ["behaviour"] = "slow" } }, deadline: DateTime.UtcNow + TimeSpan.FromMilliseconds(300)));

        Assert.Equal(StatusCode.DeadlineExceeded, result.Status);
        await host.LogContainingAsync("update cancelled");
    }
}
