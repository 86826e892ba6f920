using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

public sealed class BadInputTests : IDisposable
{
    private readonly BatchFileFixture _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly FileParams AesZstd = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
    private static readonly FileParams Plain = BatchFileWriter.Params(Compression.Off, Encryption.None);

    private static BatchFileException OpenFails(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table? table = null) =>
        Assert.Throws<BatchFileException>(() => BatchFileReader.Open(path, fileParams, keys, table ?? Tables.Strings("id", "v")).Dispose());

    private static BatchFileException ReadFails(BatchFileReader reader) =>
        Assert.Throws<BatchFileException>(() =>
        {
            while (reader.Read())
            {
                for (var i = 0; i < reader.Columns.Count; i++)
                {
                    if (reader.GetState(i) == CellState.Value)
                    {
                        reader.GetValue(i);
                    }
                }
            }
        });

    [Fact]
    public void A_file_that_does_not_exist_is_not_found()
    {
        var path = Path.Combine(_files.Folder, "nope.csv.zst.aes");
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString>());
        Assert.Equal(ConnectorErrorKind.NotFound, error.Kind);
        Assert.Equal($"batch file '{path}': the file does not exist", error.Message);
    }

    [Fact]
    public void A_key_missing_from_the_request_is_named()
    {
        var (path, _) = _files.Write("id,v\n1,a\n", AesZstd);
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString> { ["/other/file"] = ByteString.CopyFrom(new byte[32]) });
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"batch file '{path}': the request's keys hold no decryption key for this file", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_wrong_key_is_reported_before_any_row_naming_the_key(int wrongKeySeed)
    {
        // Fixed bytes, key and IV: the same file and the same failure on every run. Whichever layer notices a wrong
        // key first (the padding check, or zstd for the 1 in 256 keys that give valid padding), the message names
        // the key the same way.
        var path = _files.NewPath();
        DeterministicFiles.WriteAesZstd(path, "id,v\n1,a\n", DeterministicFiles.Key(0));
        var wrongKey = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(DeterministicFiles.Key(wrongKeySeed)) };
        var error = OpenFails(path, AesZstd, wrongKey);
        Assert.EndsWith(": the AES key is wrong or the file was tampered with or truncated", error.Message);
        Assert.StartsWith($"batch file '{path}': ", error.Message);
        Assert.Null(error.Row);
    }

    [Fact]
    public void A_key_that_passes_the_padding_check_is_named_the_same_way_by_the_zstd_error()
    {
        // The first seeded key (about 1 in 256) whose last block decrypts to valid padding: the up-front check
        // passes it and zstd is the first to fail. Same file, same seed, same failure on every run.
        var path = _files.NewPath();
        DeterministicFiles.WriteAesZstd(path, "id,v\n1,a\n", DeterministicFiles.Key(0));
        var seed = DeterministicFiles.FirstKeySeedPassingThePaddingCheck(path);
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(DeterministicFiles.Key(seed)) });
        Assert.Contains("the zstd data is corrupt", error.Message);
        Assert.EndsWith(": the AES key is wrong or the file was tampered with or truncated", error.Message);
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused()
    {
        var (path, _) = _files.Write("id,v\n1,a\n", AesZstd);
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(new byte[16]) });
        Assert.Contains("the AES key is 16 bytes long; AES-256 needs a 32-byte key", error.Message);
    }

    [Fact]
    public void A_tampered_last_block_is_bad_padding()
    {
        var (path, keys) = _files.Write("id,v\n1,a\n", AesZstd);
        var bytes = File.ReadAllBytes(path);
        // CBC: a change to the next-to-last cipher block flips exactly that bit of the last plain block, so the
        // padding byte (1..16) becomes 0x41..0x50 whatever the key and IV: invalid on every run.
        bytes[^17] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("does not end in valid PKCS#7 padding: the AES key is wrong or the file was tampered with or truncated",
            OpenFails(path, AesZstd, keys).Message);
    }

    [Fact]
    public void A_tampered_middle_block_is_corrupt_zstd_naming_the_key_as_a_likely_cause()
    {
        // Fixed content, key and IV: the same tampered bytes and the same failure on every run.
        var csv = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},value {i} {i * 7919 % 10007}\n"));
        var path = _files.NewPath();
        var keys = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(DeterministicFiles.WriteAesZstd(path, "id,v\n" + csv, DeterministicFiles.Key(0))) };
        var bytes = File.ReadAllBytes(path);
        bytes[40] ^= 0xFF; // inside the zstd frame header / first block
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<BatchFileException>(() =>
        {
            using var reader = BatchFileReader.Open(path, AesZstd, keys, Tables.Strings("id", "v"));
            while (reader.Read())
            {
            }
        });
        Assert.StartsWith($"batch file '{path}'", error.Message);
        Assert.Contains("the zstd data is corrupt", error.Message);
        Assert.EndsWith(": the AES key is wrong or the file was tampered with or truncated", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_one_block_is_refused()
    {
        var path = _files.NewPath();
        File.WriteAllBytes(path, new byte[10]);
        var keys = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(new byte[32]) };
        Assert.Equal($"batch file '{path}': the file is 10 bytes long, shorter than one AES block: it cannot hold the 16-byte IV",
            OpenFails(path, AesZstd, keys).Message);
    }

    [Fact]
    public void A_file_with_only_an_iv_or_a_partial_block_is_refused()
    {
        var path = _files.NewPath();
        var keys = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(new byte[32]) };
        File.WriteAllBytes(path, new byte[16]);
        Assert.Contains("holds an AES IV but no encrypted data", OpenFails(path, AesZstd, keys).Message);
        File.WriteAllBytes(path, new byte[16 + 40]);
        Assert.Contains("the encrypted data is 40 bytes long, not a multiple of the 16-byte AES block", OpenFails(path, AesZstd, keys).Message);
    }

    [Fact]
    public void Corrupt_zstd_is_reported()
    {
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.None);
        var path = _files.NewPath();
        File.WriteAllText(path, "id,v\n1,this is not zstd\n");
        var error = OpenFails(path, fileParams, new Dictionary<string, ByteString>());
        Assert.Contains("the zstd data is corrupt (Unknown frame descriptor)", error.Message);
        Assert.DoesNotContain("AES", error.Message);
    }

    [Fact]
    public void Truncated_zstd_is_reported()
    {
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.None);
        var csv = "id,v\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},{Guid.NewGuid()}\n"));
        var (path, keys) = _files.Write(csv, fileParams);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<BatchFileException>(() =>
        {
            using var reader = BatchFileReader.Open(path, fileParams, keys, Tables.Strings("id", "v"));
            while (reader.Read())
            {
            }
        });
        Assert.Contains("the zstd data ends in the middle of a frame (truncated file)", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        var fileParams = BatchFileWriter.Params(Compression.Gzip, Encryption.None);
        var path = _files.NewPath();
        File.WriteAllText(path, "id,v\n1,this is not gzip at all, really\n");
        var error = Assert.Throws<BatchFileException>(() =>
        {
            using var reader = BatchFileReader.Open(path, fileParams, new Dictionary<string, ByteString>(), Tables.Strings("id", "v"));
            while (reader.Read())
            {
            }
        });
        Assert.StartsWith($"batch file '{path}'", error.Message);
        Assert.Contains("the header row cannot be read: the gzip data is corrupt (", error.Message);
    }

    [Fact]
    public void An_empty_file_has_no_header()
    {
        var (path, keys) = _files.Write("", Plain);
        Assert.Equal($"batch file '{path}': the file is empty: it has no CSV header row", OpenFails(path, Plain, keys).Message);
    }

    [Fact]
    public void An_unterminated_quote_names_the_row_and_column()
    {
        using var reader = _files.Open("id,v\n1,a\n2,\"never closed\n3,c\n", Tables.Strings("id", "v"), AesZstd);
        var error = ReadFails(reader);
        Assert.Equal(2, error.Row);
        Assert.Equal("v", error.Column);
        Assert.EndsWith(
            ", row 2, column 'v': a quoted cell is never closed: the file ends inside quotes (truncated file or unbalanced \")", error.Message);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_refused()
    {
        using var reader = _files.Open("id,v\n1,\"a\"b\n", Tables.Strings("id", "v"));
        var error = ReadFails(reader);
        Assert.Equal(1, error.Row);
        Assert.Contains("unexpected character 'b' after the closing quote", error.Message);
    }

    [Fact]
    public void A_row_with_too_few_or_too_many_cells_names_file_and_row()
    {
        using (var reader = _files.Open("id,v\n1,a\n2\n", Tables.Strings("id", "v")))
        {
            var error = ReadFails(reader);
            Assert.Equal($"batch file '{reader.FilePath}', row 2: the row has 1 cells but the header has 2 columns", error.Message);
        }
        using (var reader = _files.Open("id,v\n1,a,b\n", Tables.Strings("id", "v")))
        {
            var error = ReadFails(reader);
            Assert.Equal($"batch file '{reader.FilePath}', row 1: the row has 3 cells but the header has 2 columns", error.Message);
        }
    }

    [Fact]
    public void A_header_missing_a_primary_key_column_is_refused()
    {
        var table = Tables.Strings("id", "v");
        table.Columns.Add(new Column { Name = "id2", Type = DataType.Int, PrimaryKey = true });
        table.Name = "orders";
        var (path, keys) = _files.Write("id,v\n1,a\n", Plain);
        var error = OpenFails(path, Plain, keys, table);
        Assert.Equal($"batch file '{path}', column 'id2': the header has no column 'id2', a primary-key column of table 'orders' (header: 'id, v')",
            error.Message);
    }

    [Fact]
    public void A_history_file_may_omit_fivetran_start_even_when_it_is_flagged_as_key()
    {
        var table = Tables.Strings("id", "v");
        table.Columns.Add(new Column { Name = "_fivetran_start", Type = DataType.UtcDatetime, PrimaryKey = true });
        var (path, keys) = _files.Write("id,_fivetran_end\n1,2024-01-01T00:00:00Z\n", Plain);
        using var reader = BatchFileReader.Open(path, Plain, keys, table);
        Assert.True(reader.Read());
        Assert.Equal(-1, reader.GetOrdinal("_fivetran_start"));
    }

    [Fact]
    public void A_duplicated_header_column_is_refused()
    {
        var (path, keys) = _files.Write("id,v,v\n1,a,b\n", Plain);
        Assert.EndsWith(", column 'v': the header names this column twice", OpenFails(path, Plain, keys).Message);
    }

    [Fact]
    public void A_value_that_does_not_parse_names_file_row_column_and_value()
    {
        var table = new Table
        {
            Name = "t",
            Columns = { new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "amount", Type = DataType.Double } },
        };
        using var reader = _files.Open("amount,id\n1.5,1\n2.5,2\nabc,3\n", table);
        var error = ReadFails(reader);
        Assert.Equal($"batch file '{reader.FilePath}', row 3, column 'amount': value 'abc' is not a valid DOUBLE (expected a number)", error.Message);
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void A_long_bad_value_is_cut_to_100_characters_in_the_message()
    {
        var table = new Table { Name = "t", Columns = { new Column { Name = "id", Type = DataType.Long, PrimaryKey = true } } };
        var value = new string('9', 30) + new string('z', 500);
        using var reader = _files.Open($"id\n{value}\n", table);
        var error = ReadFails(reader);
        Assert.Contains($"value '{value[..100]}'… (530 characters) is not a valid LONG", error.Message);
        Assert.DoesNotContain(value[..101], error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_text_cell_is_reported()
    {
        var path = _files.NewPath();
        File.WriteAllBytes(path, [.. "id,v\n1,"u8, 0xC3, 0x28, (byte)'\n']);
        using var reader = BatchFileReader.Open(path, Plain, new Dictionary<string, ByteString>(), Tables.Strings("id", "v"));
        Assert.True(reader.Read());
        var error = Assert.Throws<BatchFileException>(() => reader.GetString(1));
        Assert.Equal($"batch file '{path}', row 1, column 'v': the cell is not valid UTF-8", error.Message);
    }
}
