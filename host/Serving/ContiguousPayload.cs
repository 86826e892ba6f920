using System.Buffers;
using Grpc.Core;

namespace ConnectorHost.Serving;

/// <summary>
/// A large request message copied out of the transport's buffers into one array before it is parsed. Parsed from
/// the transport's many 4 KiB blocks, Google.Protobuf rents a pooled array for every long string or bytes field
/// that spans blocks, and the shared ArrayPool then keeps those arrays (128 MiB each for a 100 MiB field) for as long
/// as a minute after the call; from one array it reads fields in place. The copy is garbage once the call is parsed.
/// </summary>
internal sealed class ContiguousPayload(byte[] payload) : DeserializationContext
{
    public override int PayloadLength => payload.Length;

    public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);

    /// <summary>Large payloads come back as one contiguous copy; small ones are parsed where they are.</summary>
    public static DeserializationContext ForParsing(DeserializationContext context) =>
        context.PayloadLength >= LargeMessageTrim.LargeMessageBytes ? new ContiguousPayload(context.PayloadAsNewBuffer()) : context;
}
