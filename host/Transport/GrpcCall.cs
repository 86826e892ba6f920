using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace ConnectorHost.Transport;

/// <summary>One call in progress: the request reader, the response writer settings and the handler's context.</summary>
internal sealed class GrpcCall
{
    private readonly HttpContext _httpContext;
    private readonly RequestMessageReader _requestReader;
    private readonly int _maxSendMessageSize;
    private readonly bool _compressResponses;

    public GrpcCall(HttpContext httpContext, ServerCallContext context, RequestMessageReader requestReader,
        int maxSendMessageSize, bool compressResponses)
    {
        _httpContext = httpContext;
        Context = context;
        _requestReader = requestReader;
        _maxSendMessageSize = maxSendMessageSize;
        _compressResponses = compressResponses;
    }

    public ServerCallContext Context { get; }

    /// <summary>Unary and server-streaming requests carry exactly one message.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var token = Context.CancellationToken;
        var request = await _requestReader.ReadNextAsync(parser, token).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "Request ended without a message; this method takes exactly one.");
        if (await _requestReader.ReadNextAsync(parser, token).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Request carried more than one message; this method takes exactly one.");
        }

        return request;
    }

    public IAsyncStreamReader<T> CreateReader<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        new RequestStreamReader<T>(_requestReader, parser, Context.CancellationToken);

    public IServerStreamWriter<T> CreateWriter<T>()
        where T : IMessage<T> =>
        new ResponseMessageWriter<T>(_httpContext.Response.BodyWriter, _maxSendMessageSize, _compressResponses, Context.CancellationToken);

    private sealed class RequestStreamReader<T>(RequestMessageReader reader, MessageParser<T> parser, CancellationToken token)
        : IAsyncStreamReader<T>
        where T : class, IMessage<T>
    {
        private T? _current;

        public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

        public async ValueTask<bool> MoveNextAsync()
        {
            _current = await reader.ReadNextAsync(parser, token).ConfigureAwait(false);
            return _current is not null;
        }
    }
}
