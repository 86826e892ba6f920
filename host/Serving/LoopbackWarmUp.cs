using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConnectorHost.Serving;

/// <summary>
/// One health check sent to a freshly started port over loopback, by hand-written HTTP/2 frames (no client library to
/// load and compile). The first call a server answers compiles Kestrel's connection and HTTP/2 code, the routing
/// matcher and Grpc.AspNetCore's unary pipeline: about 80 ms of CPU that would otherwise fall on the first real
/// client's call. Done while the plugins load, it costs that client nothing. Best effort: any failure is ignored.
/// </summary>
internal static class LoopbackWarmUp
{
    private const byte Data = 0x0, Headers = 0x1, Settings = 0x4, GoAway = 0x7;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>Calls grpc.health.v1.Health/Check on <paramref name="port"/>; true when the answer's end arrived.</summary>
    public static async Task<bool> CallHealthAsync(int port, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel.Token).ConfigureAwait(false);
            await socket.SendAsync(Request(port), SocketFlags.None, cancel.Token).ConfigureAwait(false);
            var answered = await ReadAnswerAsync(socket, cancel.Token).ConfigureAwait(false);
            // Last stream 1, NO_ERROR: a clean goodbye, so the server logs no connection error.
            var goAway = new byte[9 + 8];
            WriteFrameHeader(goAway, 8, GoAway, 0, 0);
            BinaryPrimitives.WriteInt32BigEndian(goAway.AsSpan(9), 1);
            await socket.SendAsync(goAway, SocketFlags.None, cancel.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
            return answered;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>The preface, empty SETTINGS, then HEADERS and an empty health request on stream 1.</summary>
    private static byte[] Request(int port)
    {
        var block = new List<byte>
        {
            0x83, // :method POST (static table 3)
            0x86, // :scheme http (static table 6)
        };
        Literal(block, 4, "/grpc.health.v1.Health/Check"); // :path
        Literal(block, 1, $"127.0.0.1:{port}"); // :authority
        Literal(block, 31, "application/grpc"); // content-type
        block.Add(0x00); // a literal name: te is not in the static table
        String(block, "te");
        String(block, "trailers");

        var request = new List<byte>(Preface);
        Frame(request, Settings, 0, 0, []);
        Frame(request, Headers, EndHeaders, 1, [.. block]);
        Frame(request, Data, EndStream, 1, [0, 0, 0, 0, 0]); // one uncompressed, empty HealthCheckRequest
        return [.. request];
    }

    /// <summary>Reads frames until stream 1 ends (its trailers); acknowledges the server's SETTINGS on the way.</summary>
    private static async Task<bool> ReadAnswerAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[9];
        while (true)
        {
            if (!await ReadExactlyAsync(socket, header, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var (type, flags) = (header[3], header[4]);
            var stream = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
            if (length > 0 && !await ReadExactlyAsync(socket, new byte[length], cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (type == Settings && (flags & Ack) == 0)
            {
                var ack = new byte[9];
                WriteFrameHeader(ack, 0, Settings, Ack, 0);
                await socket.SendAsync(ack, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            else if (type == GoAway)
            {
                return false;
            }
            else if (stream == 1 && type is Headers or Data && (flags & EndStream) != 0)
            {
                return true;
            }
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>HPACK "literal header field without indexing", name from the static table (index below 15 + 15).</summary>
    private static void Literal(List<byte> block, int nameIndex, string value)
    {
        if (nameIndex < 15)
        {
            block.Add((byte)nameIndex);
        }
        else
        {
            block.Add(0x0F);
            block.Add((byte)(nameIndex - 15));
        }

        String(block, value);
    }

    /// <summary>An HPACK string literal, not Huffman-coded (every string here is shorter than 127 bytes).</summary>
    private static void String(List<byte> block, string value)
    {
        block.Add((byte)value.Length);
        block.AddRange(Encoding.ASCII.GetBytes(value));
    }

    private static void Frame(List<byte> output, byte type, byte flags, int stream, byte[] payload)
    {
        var header = new byte[9];
        WriteFrameHeader(header, payload.Length, type, flags, stream);
        output.AddRange(header);
        output.AddRange(payload);
    }

    private static void WriteFrameHeader(byte[] header, int length, byte type, byte flags, int stream)
    {
        header[0] = (byte)(length >> 16);
        header[1] = (byte)(length >> 8);
        header[2] = (byte)length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), stream);
    }
}
