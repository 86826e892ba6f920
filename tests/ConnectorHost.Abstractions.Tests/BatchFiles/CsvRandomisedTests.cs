using System.Text;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

/// <summary>
/// Random cells (quotes, commas, CR, LF, multi-byte characters, empties, long runs) written with random row endings
/// must come back exactly: exercises the scanner's buffer refills and bitmask blocks at every alignment.
/// </summary>
public sealed class CsvRandomisedTests : IDisposable
{
    private readonly BatchFileFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 3_000)]
    [InlineData(3, 20_000)]
    public void Random_cells_round_trip(int seed, int rowCount)
    {
        var random = new Random(seed);
        string[] alphabet = ["a", "b", "Z", "0", "9", " ", ",", "\"", "\n", "\r", "\\", "é", "日", "🙂", ";", "\t"];
        var columns = new[] { "id", "c1", "c2", "c3" };
        var expected = new List<string[]>();
        var csv = new StringBuilder("id,c1,c2,c3\n");
        for (var r = 0; r < rowCount; r++)
        {
            var row = new string[columns.Length];
            row[0] = r.ToString();
            for (var c = 1; c < columns.Length; c++)
            {
                var length = random.Next(10) == 0 ? random.Next(100, 300) : random.Next(0, 12);
                var cell = new StringBuilder();
                for (var i = 0; i < length; i++)
                {
                    cell.Append(alphabet[random.Next(alphabet.Length)]);
                }
                row[c] = cell.ToString();
            }
            expected.Add(row);
            for (var c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    csv.Append(',');
                }
                var mustQuote = row[c].AsSpan().IndexOfAny(",\"\r\n") >= 0;
                csv.Append(mustQuote || random.Next(8) == 0 ? "\"" + row[c].Replace("\"", "\"\"") + "\"" : row[c]);
            }
            csv.Append(random.Next(3) switch { 0 => "\r\n", _ => "\n" });
        }

        foreach (var compression in new[] { Compression.Off, Compression.Zstd })
        {
            using var reader = _files.Open(csv.ToString(), Tables.Strings(columns), BatchFileWriter.Params(compression, Encryption.Aes));
            var rows = BatchFileFixture.ReadAll(reader);
            Assert.Equal(expected.Count, rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                Assert.Equal(expected[r], rows[r]);
            }
        }
    }
}
