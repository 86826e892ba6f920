using ConnectorHost.Transport;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;

namespace ConnectorHost.Reflection;

/// <summary>
/// gRPC server reflection (grpc.reflection.v1 and v1alpha, wire-identical, one handler): what grpcurl and buf curl
/// use to list services and describe them. A bidirectional stream answered request by request.
/// </summary>
public sealed class ServerReflectionService(GrpcServiceRegistry registry, Lazy<DescriptorIndex> lazyIndex)
{
    public ServerReflectionService(GrpcServiceRegistry registry, DescriptorIndex index)
        : this(registry, new Lazy<DescriptorIndex>(index))
    {
    }

    public const string V1ServiceName = "grpc.reflection.v1.ServerReflection";
    public const string V1AlphaServiceName = "grpc.reflection.v1alpha.ServerReflection";
    private const string MethodName = "ServerReflectionInfo";

    /// <summary>The files reflection describes: both contracts (and their imports) and the standard services.</summary>
    public static IEnumerable<FileDescriptor> DefaultFiles =>
    [
        FivetranSdk.V2.ConnectorSdkReflection.Descriptor,
        FivetranSdk.V2.DestinationSdkReflection.Descriptor,
        Grpc.Health.V1.HealthReflection.Descriptor,
        ReflectionReflection.Descriptor,
        Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor,
    ];

    public static void Register(GrpcServiceRegistry registry, DescriptorIndex index) =>
        Register(registry, new Lazy<DescriptorIndex>(index));

    /// <summary>
    /// Registers reflection with an index built on first use: building descriptors for every file costs tens of
    /// milliseconds of CPU that start-up (target: first RPC within 250 ms) should not pay for a debugging service.
    /// </summary>
    public static void Register(GrpcServiceRegistry registry, Lazy<DescriptorIndex> index)
    {
        var service = new ServerReflectionService(registry, index);
        // v1alpha's messages have the same fields and numbers as v1's, so v1 types read and write both.
        registry.AddDuplexStreaming<ServerReflectionRequest, ServerReflectionResponse>(V1ServiceName, MethodName, ServerReflectionRequest.Parser, service.ServeAsync);
        registry.AddDuplexStreaming<ServerReflectionRequest, ServerReflectionResponse>(V1AlphaServiceName, MethodName, ServerReflectionRequest.Parser, service.ServeAsync);
    }

    private async Task ServeAsync(IAsyncStreamReader<ServerReflectionRequest> requests, IServerStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        while (await requests.MoveNextAsync().ConfigureAwait(false))
        {
            await responses.WriteAsync(Answer(requests.Current)).ConfigureAwait(false);
        }
    }

    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(registry.ServiceNames.Order(StringComparer.Ordinal).Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                if (lazyIndex.Value.TryFindFile(request.FileByFilename, out var file))
                {
                    response.FileDescriptorResponse = Files(file);
                }
                else
                {
                    response.ErrorResponse = Error(StatusCode.NotFound, $"No file named '{request.FileByFilename}'.");
                }

                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                if (lazyIndex.Value.TryFindSymbol(request.FileContainingSymbol, out var owner))
                {
                    response.FileDescriptorResponse = Files(owner);
                }
                else
                {
                    response.ErrorResponse = Error(StatusCode.NotFound, $"No symbol named '{request.FileContainingSymbol}'.");
                }

                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                // No served file declares an extension.
                response.ErrorResponse = Error(StatusCode.NotFound,
                    $"No extension {request.FileContainingExtension.ExtensionNumber} of '{request.FileContainingExtension.ContainingType}'.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var typeName = request.AllExtensionNumbersOfType;
                if (lazyIndex.Value.IsMessageType(typeName))
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = typeName };
                }
                else
                {
                    response.ErrorResponse = Error(StatusCode.NotFound, $"No message type named '{typeName}'.");
                }

                break;
            default:
                response.ErrorResponse = Error(StatusCode.InvalidArgument, "The reflection request names no question (message_request is empty).");
                break;
        }

        return response;
    }

    private FileDescriptorResponse Files(FileDescriptor file)
    {
        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(lazyIndex.Value.WithDependencies(file));
        return files;
    }

    private static ErrorResponse Error(StatusCode code, string message) => new() { ErrorCode = (int)code, ErrorMessage = message };
}
