using ConnectorHost.Abstractions;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using FivetranTask = FivetranSdk.V2.Task;
using FivetranWarning = FivetranSdk.V2.Warning;

namespace ConnectorHost.Dispatch;

/// <summary>
/// Turns a <see cref="ConnectorAlertException"/> into the answer Fivetran expects: the response's <c>task</c> or
/// <c>warning</c> oneof field where the message has one (found through its descriptor, so every response type is
/// covered), TestResponse's <c>failure</c> text, else FAILED_PRECONDITION with the text.
/// </summary>
public static class ConnectorAlerts
{
    public static TResponse Answer<TResponse>(ConnectorAlertException alert, string message)
        where TResponse : IMessage<TResponse>, new()
    {
        var response = new TResponse();
        var descriptor = response.Descriptor;
        var field = descriptor.FindFieldByName(alert.Kind == ConnectorAlertKind.Task ? "task" : "warning");
        if (field is { FieldType: FieldType.Message })
        {
            field.Accessor.SetValue(response, AlertMessage(alert.Kind, message));
            return response;
        }

        if (response is FivetranSdk.V2.TestResponse test)
        {
            test.Failure = message;
            return response;
        }

        throw new RpcException(new Status(StatusCode.FailedPrecondition, StatusMessage.Cap(message)));
    }

    /// <summary>The streamed UpdateResponse carrying the alert.</summary>
    public static FivetranSdk.V2.UpdateResponse UpdateResponse(ConnectorAlertException alert, string message) =>
        alert.Kind == ConnectorAlertKind.Task
            ? new FivetranSdk.V2.UpdateResponse { Task = new FivetranTask { Message = message } }
            : new FivetranSdk.V2.UpdateResponse { Warning = new FivetranWarning { Message = message } };

    private static IMessage AlertMessage(ConnectorAlertKind kind, string message) =>
        kind == ConnectorAlertKind.Task ? new FivetranTask { Message = message } : new FivetranWarning { Message = message };
}
