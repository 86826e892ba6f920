using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Abstractions.Tests.Batching;

internal static class TestRecords
{
    public static Record Small(int i, string table = "table1") =>
        SourceRecords.Upsert(table, new Dictionary<string, object?> { ["id"] = i, ["name"] = $"row-{i}" });

    /// <summary>Size of the record inside <c>Records</c>: tag byte + varint length + the record itself.</summary>
    public static int FramedSize(Record record)
    {
        int size = record.CalculateSize();
        return 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    public static Record Padded(int paddingChars, string table = "wide") =>
        SourceRecords.Upsert(table, new Dictionary<string, object?> { ["v"] = new string('x', paddingChars) });

    /// <summary>A record whose framed size inside <c>Records</c> is exactly <paramref name="framedSize"/> bytes.</summary>
    public static Record OfFramedSize(int framedSize, string table = "wide")
    {
        int padding = 0;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var record = Padded(padding, table);
            int difference = framedSize - FramedSize(record);
            if (difference == 0)
            {
                return record;
            }

            padding += difference;
            if (padding < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(framedSize), "Too small for a record with a padded value.");
            }
        }

        throw new InvalidOperationException($"Could not build a record of exactly {framedSize} framed bytes.");
    }
}
