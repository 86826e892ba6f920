using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Parquet;

public sealed class ParquetBadInputTests : IDisposable
{
    private readonly ParquetFixture _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly FileParams AesZstd = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
    private static readonly FileParams Plain = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.None);

    private static Table Accounts(DataType amountType = DataType.Double) => new()
    {
        Name = "accounts",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "amount", Type = amountType },
        },
    };

    private static IEnumerable<object?[]> AccountRows(int count) =>
        Enumerable.Range(1, count).Select(i => new object?[] { (long)i, $"account {i}", i * 1.5 });

    private static BatchFileException OpenFails(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table? table = null) =>
        Assert.Throws<BatchFileException>(() => ParquetBatchFileReader.Open(path, fileParams, keys, table ?? Accounts()).Dispose());

    private static BatchFileException ReadFails(ParquetBatchFileReader reader) =>
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
        var path = Path.Combine(_files.Folder, "nope.parquet");
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString>());
        Assert.Equal(ConnectorErrorKind.NotFound, error.Kind);
        Assert.Equal($"batch file '{path}': the file does not exist", error.Message);
    }

    [Fact]
    public void A_key_missing_from_the_request_is_named()
    {
        var (path, _) = _files.Write(Accounts(), AesZstd, AccountRows(3));
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString>());
        Assert.Equal($"batch file '{path}': the request's keys hold no decryption key for this file", error.Message);
    }

    [Fact]
    public void A_wrong_key_is_named_as_the_likely_cause()
    {
        var (path, _) = _files.Write(Accounts(), AesZstd, AccountRows(3));
        var keys = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(Enumerable.Repeat((byte)7, 32).ToArray()) };
        var error = OpenFails(path, AesZstd, keys);
        Assert.Equal(path, error.FilePath);
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        // About one wrong key in 256 leaves valid padding; then the missing PAR1 magic says the same.
        Assert.Contains(error.Problem, new[]
        {
            "the decrypted data does not end in valid PKCS#7 padding: the AES key is wrong or the file was tampered with or truncated",
            "the file is not Parquet: its decrypted content does not start with the magic bytes PAR1 (or the AES key is wrong)",
        });
    }

    [Fact]
    public void An_encrypted_file_cut_inside_a_block_is_refused()
    {
        var (path, keys) = _files.Write(Accounts(), AesZstd, AccountRows(100));
        Truncate(path, 16 + 100);
        var error = OpenFails(path, AesZstd, keys);
        Assert.Equal($"batch file '{path}': the encrypted data is 100 bytes long, not a multiple of the 16-byte AES block (truncated or not AES-CBC encrypted)", error.Message);
    }

    [Fact]
    public void An_encrypted_file_cut_at_a_block_boundary_is_refused()
    {
        var (path, keys) = _files.Write(Accounts(), AesZstd, AccountRows(100));
        Truncate(path, 16 + 16 * 10);
        var error = OpenFails(path, AesZstd, keys);
        Assert.Equal(path, error.FilePath);
        // The cut block decrypts to padding garbage, or (one time in 256) to valid padding over a body without footer.
        Assert.Contains(error.Problem, new[]
        {
            "the decrypted data does not end in valid PKCS#7 padding: the AES key is wrong or the file was tampered with or truncated",
            "the Parquet file does not end with its footer's magic bytes PAR1: it was truncated or damaged",
        });
    }

    [Fact]
    public void An_unencrypted_file_cut_short_is_refused_by_its_missing_footer()
    {
        var (path, keys) = _files.Write(Accounts(), Plain, AccountRows(100));
        Truncate(path, new FileInfo(path).Length / 2);
        var error = OpenFails(path, Plain, keys);
        Assert.Equal($"batch file '{path}': the Parquet file does not end with its footer's magic bytes PAR1: it was truncated or damaged", error.Message);
    }

    [Fact]
    public void A_csv_file_is_not_parquet()
    {
        var path = _files.NewPath("csv.zst.aes");
        var key = BatchFileWriter.WriteRaw(path, AesZstd, "id,name,amount\n1,a,1.5\n")!;
        var error = OpenFails(path, AesZstd, new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(key) });
        Assert.Equal($"batch file '{path}': the file is not Parquet: its decrypted content does not start with the magic bytes PAR1 (or the AES key is wrong)", error.Message);

        var plainPath = _files.NewPath("csv");
        File.WriteAllText(plainPath, "id,name,amount\n1,a,1.5\n");
        var plainError = OpenFails(plainPath, Plain, new Dictionary<string, ByteString>());
        Assert.Equal($"batch file '{plainPath}': the file is not Parquet: its content does not start with the magic bytes PAR1", plainError.Message);
    }

    [Fact]
    public void A_damaged_footer_is_reported()
    {
        var (path, keys) = _files.Write(Accounts(), Plain, AccountRows(100));
        var bytes = File.ReadAllBytes(path);
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength).Fill(0xEE);
        File.WriteAllBytes(path, bytes);
        var error = OpenFails(path, Plain, keys);
        Assert.StartsWith($"batch file '{path}': the Parquet footer cannot be read: ", error.Message);
    }

    [Fact]
    public async Task Damaged_column_data_names_the_row_group_and_column()
    {
        var (path, keys) = _files.Write(Accounts(), Plain, AccountRows(1000), rowGroupSize: 400);
        long start, length;
        await using (var probe = await ParquetReader.CreateAsync(path))
        {
            // The middle of row group 2's "name" column chunk (zstd-compressed pages: the damage cannot go unnoticed).
            var chunk = probe.Metadata!.RowGroups[1].Columns[1].MetaData!;
            start = chunk.DataPageOffset + 8;
            length = Math.Min(64, chunk.TotalCompressedSize - 16);
        }
        await using (var file = File.OpenWrite(path))
        {
            file.Position = start;
            file.Write(Enumerable.Repeat((byte)0xA5, (int)length).ToArray());
        }
        using var reader = ParquetBatchFileReader.Open(path, Plain, keys, Accounts());
        var error = ReadFails(reader);
        Assert.Equal(path, error.FilePath);
        Assert.Equal(401, error.Row);
        Assert.Equal("name", error.Column);
        Assert.StartsWith("row group 2 of 3 (rows 401–800): the column's data cannot be read: ", error.Problem);
        Assert.Equal(400, reader.RowNumber);
    }

    [Fact]
    public void A_column_stored_with_another_type_than_the_table_declares_is_refused()
    {
        var (path, keys) = _files.Write(Accounts(DataType.Boolean), AesZstd, [[1L, "a", true]]);
        var error = OpenFails(path, AesZstd, keys, Accounts(DataType.Double));
        Assert.Equal($"batch file '{path}', column 'amount': the column is stored as Parquet BOOLEAN but the table declares it DOUBLE (expected DOUBLE, FLOAT or a UTF-8 string)", error.Message);
    }

    [Fact]
    public void A_string_column_for_a_typed_table_column_is_read_like_csv_and_a_bad_value_is_named()
    {
        var fileColumns = Accounts().Columns.Select(c => c.Name == "amount" ? new Column { Name = "amount", Type = DataType.String } : c).ToList();
        var (path, keys) = _files.Write(Accounts(), AesZstd, [[1L, "a", "1.5"], [2L, "b", "abc"]], rowGroupSize: 1, fileColumns: fileColumns);
        using var reader = ParquetBatchFileReader.Open(path, AesZstd, keys, Accounts());
        var error = ReadFails(reader);
        Assert.Equal($"batch file '{path}', row 2, column 'amount': value 'abc' is not a valid DOUBLE (expected a number) [row group 2 of 2, row 1 in the group]", error.Message);
    }

    [Fact]
    public void An_INT32_beyond_a_SHORT_column_names_file_row_group_row_and_column()
    {
        var (path, keys) = _files.Write(Accounts(DataType.Int), AesZstd, [[1L, "a", 5], [2L, "b", 6], [3L, "c", 40000]], rowGroupSize: 2);
        using var reader = ParquetBatchFileReader.Open(path, AesZstd, keys, Accounts(DataType.Short));
        var error = ReadFails(reader);
        Assert.Equal($"batch file '{path}', row 3, column 'amount': value '40000' (Parquet INT32 (INT_32)) is not a valid SHORT (expected an integer from -32768 to 32767) [row group 2 of 2, row 1 in the group]", error.Message);
    }

    [Fact]
    public void A_missing_primary_key_column_is_refused()
    {
        var fileColumns = Accounts().Columns.Where(c => c.Name != "id").ToList();
        var (path, keys) = _files.Write(Accounts(), AesZstd, [["a", 1.5]], fileColumns: fileColumns);
        var error = OpenFails(path, AesZstd, keys);
        Assert.Equal($"batch file '{path}', column 'id': the Parquet schema has no column 'id', a primary-key column of table 'accounts' (columns: name, amount)", error.Message);
    }

    [Fact]
    public async Task A_nested_column_is_refused()
    {
        var path = _files.NewPath("parquet");
        var schema = new ParquetSchema(new DataField<long>("id"), new StructField("address", new DataField<string>("city")));
        await using (var file = File.Create(path))
        {
            await (await ParquetWriter.CreateAsync(schema, file)).DisposeAsync();
        }
        var error = OpenFails(path, Plain, new Dictionary<string, ByteString>());
        Assert.Equal($"batch file '{path}', column 'address': column 'address' is a nested or repeated Parquet field (Struct); batch files hold flat columns", error.Message);
    }

    private static void Truncate(string path, long length)
    {
        using var file = File.OpenWrite(path);
        file.SetLength(length);
    }
}
