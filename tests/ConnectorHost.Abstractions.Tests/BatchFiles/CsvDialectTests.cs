using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

public sealed class CsvDialectTests : IDisposable
{
    private readonly BatchFileFixture _files = new();

    public void Dispose() => _files.Dispose();

    private List<string?[]> Rows(string csv, params string[] columns)
    {
        using var reader = _files.Open(csv, Tables.Strings(columns));
        return BatchFileFixture.ReadAll(reader);
    }

    [Fact]
    public void Header_gives_the_column_order_not_the_table()
    {
        var table = Tables.Strings("id", "a", "b");
        using var reader = _files.Open("b,id,a\n1,2,3\n", table);
        Assert.Equal(["b", "id", "a"], reader.Columns);
        Assert.True(reader.Read());
        Assert.Equal("2", reader.GetString(reader.GetOrdinal("id")));
        Assert.Equal("3", reader.GetString(reader.GetOrdinal("a")));
        Assert.Equal("1", reader.GetString(reader.GetOrdinal("b")));
        Assert.Equal(-1, reader.GetOrdinal("missing"));
        Assert.Equal(-1, reader.GetOrdinal("ID"));
    }

    [Fact]
    public void Quoted_cells_hold_commas_doubled_quotes_and_newlines()
    {
        var rows = Rows("id,v\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"line1\nline2\r\nline3\"\n4,\"\"\"\"\n5,\"\"\n", "id", "v");
        Assert.Equal(["a,b", "say \"hi\"", "line1\nline2\r\nline3", "\"", ""], rows.Select(r => r[1]));
        Assert.Equal(["1", "2", "3", "4", "5"], rows.Select(r => r[0]));
    }

    [Fact]
    public void Backslash_is_an_ordinary_character()
    {
        var rows = Rows("id,v\n1,C:\\dir\\\n2,\"a\\\"\n3,\"\\\"\"x\"\n4,a\\nb\n", "id", "v");
        Assert.Equal(["C:\\dir\\", "a\\", "\\\"x", "a\\nb"], rows.Select(r => r[1]));
    }

    [Fact]
    public void Crlf_and_lone_cr_end_rows_and_the_last_row_may_lack_a_line_break()
    {
        Assert.Equal([["1", "a"], ["2", "b"], ["3", "c"]], Rows("id,v\r\n1,a\r\n2,b\r3,c", "id", "v"));
        Assert.Equal([["1", "\"q\""]], Rows("id,v\n1,\"\"\"q\"\"\"", "id", "v"));
    }

    [Fact]
    public void Empty_cells_are_empty_strings_not_null()
    {
        var rows = Rows("id,a,b\n1,,\n2,\"\",x\n3,y,\n", "id", "a", "b");
        Assert.Equal([["1", "", ""], ["2", "", "x"], ["3", "y", ""]], rows);
    }

    [Fact]
    public void Blank_lines_between_rows_of_a_multi_column_file_are_skipped()
    {
        Assert.Equal([["1", "a"], ["2", "b"]], Rows("id,v\n1,a\n\n2,b\n\r\n", "id", "v"));
    }

    [Fact]
    public void A_byte_order_mark_before_the_header_is_ignored()
    {
        using var reader = _files.Open("\uFEFFid,v\n1,a\n", Tables.Strings("id", "v"));
        Assert.Equal(["id", "v"], reader.Columns);
    }

    [Fact]
    public void A_header_only_file_has_no_rows()
    {
        using var reader = _files.Open("id,v\n", Tables.Strings("id", "v"));
        Assert.False(reader.Read());
        Assert.Equal(0, reader.RowNumber);
    }

    [Fact]
    public void Null_and_unmodified_markers_come_from_file_params_quoted_or_not()
    {
        var fileParams = BatchFileWriter.Params(Compression.Off, Encryption.None);
        fileParams.NullString = "NULL-xyz";
        fileParams.UnmodifiedString = "UNMOD-abc";
        using var reader = _files.Open(
            "id,a,b\n1,NULL-xyz,UNMOD-abc\n2,\"NULL-xyz\",\"UNMOD-abc\"\n3,null,NULL-xyz2\n4,,\n", Tables.Strings("id", "a", "b"), fileParams);
        var rows = BatchFileFixture.ReadAll(reader);
        Assert.Equal<string?[]>(["1", null, "<unmodified>"], rows[0]);
        Assert.Equal<string?[]>(["2", null, "<unmodified>"], rows[1]);
        Assert.Equal<string?[]>(["3", "null", "NULL-xyz2"], rows[2]);
        Assert.Equal<string?[]>(["4", "", ""], rows[3]);
    }

    [Fact]
    public void Default_tester_markers_are_not_hard_coded()
    {
        var fileParams = BatchFileWriter.Params(Compression.Off, Encryption.None);
        fileParams.NullString = "N";
        fileParams.UnmodifiedString = "U";
        using var reader = _files.Open($"id,a\n1,{BatchFileWriter.DefaultNullString}\n2,N\n3,U\n", Tables.Strings("id", "a"), fileParams);
        var rows = BatchFileFixture.ReadAll(reader);
        Assert.Equal([BatchFileWriter.DefaultNullString, null, "<unmodified>"], rows.Select(r => r[1]));
    }

    [Fact]
    public void Raw_access_returns_the_unquoted_bytes_and_the_marker_text()
    {
        using var reader = _files.Open($"id,a\n\"x\"\"y\",{BatchFileWriter.DefaultNullString}\n", Tables.Strings("id", "a"));
        Assert.True(reader.Read());
        Assert.Equal("x\"y"u8.ToArray(), reader.GetRawUtf8(0).ToArray());
        Assert.Equal(BatchFileWriter.DefaultNullString, reader.GetRawString(1));
        Assert.Equal(CellState.Null, reader.GetState(1));
        Assert.Null(reader.GetValue(1));
        var error = Assert.Throws<InvalidOperationException>(() => reader.GetString(1));
        Assert.Contains("NULL", error.Message);
    }

    [Fact]
    public void Utf8_text_survives_including_multibyte_characters()
    {
        var rows = Rows("id,v\n1,héllo wörld\n2,\"日本語, テキスト\"\n3,🙂🚀\n", "id", "v");
        Assert.Equal(["héllo wörld", "日本語, テキスト", "🙂🚀"], rows.Select(r => r[1]));
    }

    [Fact]
    public void Rows_crossing_buffer_boundaries_and_rows_larger_than_the_buffer_are_read_whole()
    {
        var builder = new System.Text.StringBuilder("id,v\n");
        var expected = new List<string>();
        for (var i = 0; i < 30_000; i++)
        {
            var value = i % 5 == 0 ? $"q \"{i}\", multi\nline é" : $"plain {i}";
            if (i == 12_345)
            {
                value = new string('x', 700_000) + "\"," + new string('y', 10);
            }
            expected.Add(value);
            builder.Append(i).Append(',');
            builder.Append(value.AsSpan().IndexOfAny("\",\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value);
            builder.Append(i % 2 == 0 ? "\n" : "\r\n");
        }
        foreach (var compression in new[] { Compression.Off, Compression.Zstd })
        {
            using var reader = _files.Open(builder.ToString(), Tables.Strings("id", "v"), BatchFileWriter.Params(compression, Encryption.Aes));
            var rows = BatchFileFixture.ReadAll(reader);
            Assert.Equal(expected.Count, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(i.ToString(), rows[i][0]);
                Assert.Equal(expected[i], rows[i][1]);
            }
        }
    }

    [Fact]
    public void Columns_not_in_the_table_are_read_as_text()
    {
        using var reader = _files.Open("id,extra\n1,2\n", Tables.Strings("id"));
        Assert.True(reader.Read());
        Assert.Equal(DataType.Unspecified, reader.GetDataType(1));
        Assert.Equal("2", reader.GetValue(1));
    }
}
