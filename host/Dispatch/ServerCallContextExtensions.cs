using Grpc.Core;

namespace ConnectorHost.Dispatch;

internal static class ServerCallContextExtensions
{
    /// <summary>The parts of a gRPC call dispatch needs; Grpc.AspNetCore reports "no deadline" as DateTime.MaxValue.</summary>
    public static PluginCall ToPluginCall(this ServerCallContext context) =>
        new(context.CancellationToken, context.Deadline == DateTime.MaxValue ? null : context.Deadline);
}
