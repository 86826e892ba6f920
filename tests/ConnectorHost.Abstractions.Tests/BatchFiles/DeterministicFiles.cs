using System.Security.Cryptography;
using System.Text;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

/// <summary>
/// AES + zstd batch files with a fixed key and IV, so tests that damage the bytes or use a wrong key see the same
/// bytes, and so the same failure, on every run (the test kit's writer draws a random IV).
/// </summary>
internal static class DeterministicFiles
{
    private static readonly byte[] FixedIv = [.. Enumerable.Range(100, 16).Select(i => (byte)i)];

    /// <summary>A 32-byte key made from a seed.</summary>
    public static byte[] Key(int seed)
    {
        var key = new byte[32];
        new Random(seed).NextBytes(key);
        return key;
    }

    /// <summary>Writes <paramref name="csv"/> zstd-compressed, then AES-256-CBC encrypted with the fixed IV; returns the key.</summary>
    public static byte[] WriteAesZstd(string path, string csv, byte[] key)
    {
        var compressed = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(compressed, level: 3, leaveOpen: true))
        {
            zstd.Write(Encoding.UTF8.GetBytes(csv));
        }
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = aes.EncryptCbc(compressed.ToArray(), FixedIv, PaddingMode.PKCS7);
        File.WriteAllBytes(path, [.. FixedIv, .. cipher]);
        return key;
    }

    /// <summary>The first key seed whose key turns the file's last block into valid PKCS#7 padding (not the right key).</summary>
    public static int FirstKeySeedPassingThePaddingCheck(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lastTwo = bytes.AsSpan(bytes.Length - 32, 32);
        Span<byte> plain = stackalloc byte[16];
        for (var seed = 1; ; seed++)
        {
            using var aes = Aes.Create();
            aes.Key = Key(seed);
            aes.DecryptCbc(lastTwo[16..], lastTwo[..16], plain, PaddingMode.None);
            var padding = plain[^1];
            if (padding is >= 1 and <= 16 && plain[^padding..].IndexOfAnyExcept(padding) < 0)
            {
                return seed;
            }
        }
    }
}
