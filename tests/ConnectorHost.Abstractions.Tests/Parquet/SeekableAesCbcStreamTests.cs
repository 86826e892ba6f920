using System.Security.Cryptography;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.Tests.BatchFiles;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Parquet;

public sealed class SeekableAesCbcStreamTests : IDisposable
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Iv = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>IV, then AES-256-CBC with PKCS#7, as Fivetran writes batch files (fixed IV: deterministic tests).</summary>
    private string Encrypt(byte[] plain, string name = "f.aes")
    {
        using var aes = Aes.Create();
        aes.Key = Key;
        var path = _temp.File(name);
        File.WriteAllBytes(path, [.. Iv, .. aes.EncryptCbc(plain, Iv, PaddingMode.PKCS7)]);
        return path;
    }

    private static byte[] Plain(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(4096)]
    [InlineData(1_000_003)]
    public void Length_is_the_plaintext_length_and_random_reads_match_it(int length)
    {
        var plain = Plain(length, seed: length);
        using var stream = new SeekableAesCbcStream(File.OpenRead(Encrypt(plain)), Key, windowSize: 4096);
        Assert.Equal(length, stream.Length);

        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var offset = length == 0 ? 0 : random.Next(length);
            var count = random.Next(0, 20_000);
            stream.Position = offset;
            var buffer = new byte[count];
            var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
            Assert.Equal(Math.Min(count, length - offset), read);
            Assert.True(plain.AsSpan(offset, read).SequenceEqual(buffer.AsSpan(0, read)), $"bytes at {offset}+{read} differ");
        }
        stream.Seek(-Math.Min(10, length), SeekOrigin.End);
        Assert.Equal(plain[^Math.Min(10, length)..], ReadToEnd(stream));
    }

    [Fact]
    public void Reading_it_whole_gives_the_plaintext()
    {
        var plain = Plain(300_001, seed: 3);
        using var stream = new SeekableAesCbcStream(File.OpenRead(Encrypt(plain)), Key, windowSize: 1024);
        Assert.Equal(plain, ReadToEnd(stream));
        Assert.Equal(0, stream.Read(new byte[10]));
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 777);
        return copy.ToArray();
    }

    [Fact]
    public void A_wrong_key_fails_on_the_padding_before_any_read()
    {
        var path = Encrypt(Plain(1000, seed: 1));
        var wrongKey = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => new SeekableAesCbcStream(File.OpenRead(path), wrongKey).Dispose());
        Assert.Equal("the decrypted data does not end in valid PKCS#7 padding: the AES key is wrong or the file was tampered with or truncated", error.Message);
    }

    [Fact]
    public void A_file_cut_inside_a_block_is_refused_by_its_length()
    {
        var path = Encrypt(Plain(1000, seed: 2));
        using (var file = File.OpenWrite(path))
        {
            file.SetLength(16 + 500);
        }
        var error = Assert.Throws<InvalidDataException>(() => new SeekableAesCbcStream(File.OpenRead(path), Key).Dispose());
        Assert.Equal("the encrypted data is 500 bytes long, not a multiple of the 16-byte AES block (truncated or not AES-CBC encrypted)", error.Message);
    }

    [Theory]
    [InlineData(5, "the file is 5 bytes long, shorter than one AES block: it cannot hold the 16-byte IV")]
    [InlineData(16, "the file holds an AES IV but no encrypted data (it is shorter than one block after the IV)")]
    public void Files_too_short_for_AES_are_refused(int length, string expected)
    {
        var path = _temp.File("short.aes");
        File.WriteAllBytes(path, new byte[length]);
        var error = Assert.Throws<InvalidDataException>(() => new SeekableAesCbcStream(File.OpenRead(path), Key).Dispose());
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_key_of_the_wrong_size_is_refused()
    {
        var path = Encrypt(Plain(10, seed: 4));
        var error = Assert.Throws<InvalidDataException>(() => new SeekableAesCbcStream(File.OpenRead(path), new byte[16]).Dispose());
        Assert.Equal("the AES key is 16 bytes long; AES-256 needs a 32-byte key", error.Message);
    }
}
