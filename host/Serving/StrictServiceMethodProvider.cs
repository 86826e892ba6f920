using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Serving;

/// <summary>
/// The endpoint type under which a generated service implementation (<typeparamref name="TImplementation"/>) is mapped.
/// It carries no BindServiceMethod attribute, so only <see cref="StrictServiceMethodProvider{TImplementation}"/> adds
/// its methods.
/// </summary>
public sealed class StrictService<TImplementation>
    where TImplementation : class;

/// <summary>
/// Adds the methods of a Grpc.Tools-generated service exactly as its BindService declares them, with two changes the
/// standard registration cannot make: a request that does not parse answers INTERNAL saying so (the stock marshaller's
/// exception surfaces as UNKNOWN "Exception was thrown by handler."), and a response is gzip-compressed only when the
/// request was (gRPC would otherwise compress for every client that merely accepts gzip).
/// </summary>
public sealed class StrictServiceMethodProvider<TImplementation>(TImplementation implementation, ILogger<StrictService<TImplementation>> logger)
    : IServiceMethodProvider<StrictService<TImplementation>>
    where TImplementation : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<StrictService<TImplementation>> context)
    {
        var bind = BindMethodOf(typeof(TImplementation));
        bind.Invoke(null, [new Binder(context, logger), implementation]);
    }

    private static MethodInfo BindMethodOf(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.Static,
                           [typeof(ServiceBinderBase), current])
                       ?? throw new InvalidOperationException($"{attribute.BindType} has no {attribute.BindMethodName}(ServiceBinderBase, {current.Name}).");
            }
        }

        throw new InvalidOperationException($"{type} does not derive from a Grpc.Tools-generated service base.");
    }

    private sealed class Binder(ServiceMethodProviderContext<StrictService<TImplementation>> context, ILogger logger) : ServiceBinderBase
    {
        private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            context.AddUnaryMethod(Strict(method), [], async (_, request, call) =>
            {
                CompressLikeRequest(call);
                LargeMessageTrim.Shared.CallStarted();
                try
                {
                    return await handler(request, call).ConfigureAwait(false);
                }
                finally
                {
                    LargeMessageTrim.Shared.CallEnded();
                }
            });
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            context.AddServerStreamingMethod(Strict(method), [], async (_, request, stream, call) =>
            {
                CompressLikeRequest(call);
                LargeMessageTrim.Shared.CallStarted();
                try
                {
                    await handler(request, stream, call).ConfigureAwait(false);
                }
                finally
                {
                    LargeMessageTrim.Shared.CallEnded();
                }
            });
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            context.AddClientStreamingMethod(Strict(method), [], async (_, requests, call) =>
            {
                CompressLikeRequest(call);
                LargeMessageTrim.Shared.CallStarted();
                try
                {
                    return await handler(requests, call).ConfigureAwait(false);
                }
                finally
                {
                    LargeMessageTrim.Shared.CallEnded();
                }
            });
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            context.AddDuplexStreamingMethod(Strict(method), [], async (_, requests, stream, call) =>
            {
                CompressLikeRequest(call);
                LargeMessageTrim.Shared.CallStarted();
                try
                {
                    await handler(requests, stream, call).ConfigureAwait(false);
                }
                finally
                {
                    LargeMessageTrim.Shared.CallEnded();
                }
            });
        }

        private static void CompressLikeRequest(ServerCallContext call)
        {
            var encoding = call.GetHttpContext().Request.Headers[GrpcHeaders.Encoding];
            if (!string.Equals(encoding, GrpcHeaders.Gzip, StringComparison.OrdinalIgnoreCase))
            {
                call.WriteOptions = Uncompressed;
            }
        }

        private Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, deserialization =>
            {
                LargeMessageTrim.Shared.Seen(deserialization.PayloadLength);
                try
                {
                    return parse(ContiguousPayload.ForParsing(deserialization));
                }
                catch (InvalidProtocolBufferException e)
                {
                    var message = $"The {method.Name} request could not be parsed as {typeof(TRequest).Name} " +
                                  $"({deserialization.PayloadLength} bytes): {e.Message}";
                    logger.LogError("{Message}", message);
                    throw new RpcException(new Status(StatusCode.Internal, message));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }
    }
}
