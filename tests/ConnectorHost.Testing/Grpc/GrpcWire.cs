using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using ConnectorHost.Transport;
using Google.Protobuf;

namespace ConnectorHost.Testing.Grpc;

/// <summary>Client-side framing, status and metadata helpers (written independently of the server's code).</summary>
public static class GrpcWire
{
    public static byte[] Frame(IMessage message, bool gzip = false)
    {
        var payload = message.ToByteArray();
        if (gzip)
        {
            using var output = new MemoryStream();
            using (var z = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(payload);
            }
            payload = output.ToArray();
        }
        var frame = new byte[5 + payload.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Parses one message from the front of <paramref name="buffer"/>; false if it is not complete yet.</summary>
    public static bool TryReadMessage<T>(ref ReadOnlySequence<byte> buffer, MessageParser<T> parser, out T message)
        where T : IMessage<T>
    {
        message = default!;
        if (buffer.Length < 5)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (buffer.Length - 5 < length)
        {
            return false;
        }
        var body = buffer.Slice(5, length);
        if (header[0] == 1)
        {
            using var z = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress);
            message = parser.ParseFrom(z);
        }
        else
        {
            message = parser.ParseFrom(body);
        }
        buffer = buffer.Slice(body.End);
        return true;
    }

    public static string DecodeMessage(string encoded)
    {
        if (!encoded.Contains('%'))
        {
            return encoded;
        }
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length
                && byte.TryParse(encoded.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public static Dictionary<string, string> ToDictionary(params HttpHeaders[] headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in headers)
        {
            foreach (var (name, values) in h.NonValidated)
            {
                result[name] = values.ToString();
            }
        }
        return result;
    }

    /// <summary>grpc-status/grpc-message from the trailers, or from the headers of a trailers-only response.</summary>
    public static (StatusCode? Status, string? Message) ReadStatus(IReadOnlyDictionary<string, string> trailers, IReadOnlyDictionary<string, string> headers)
    {
        var source = trailers.ContainsKey("grpc-status") ? trailers : headers;
        StatusCode? status = source.TryGetValue("grpc-status", out var s) && int.TryParse(s, out var code) ? (StatusCode)code : null;
        var message = source.TryGetValue("grpc-message", out var m) ? DecodeMessage(m) : null;
        return (status, message);
    }
}
