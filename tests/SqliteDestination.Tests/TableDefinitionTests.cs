using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

public sealed class TableDefinitionTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Describe_returns_exactly_what_was_created_and_not_found_for_unknown_tables()
    {
        var table = Table("t", Col("id", DataType.Long, pk: true), Decimal("price", 10, 2),
            new Column { Name = "name", Type = DataType.String, Params = new DataTypeParams { StringByteLength = 128 } },
            Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await _h.CreateAsync(table);
        Assert.Equal(table, (await _h.DescribeAsync("t")).Table);
        Assert.True((await _h.DescribeAsync("missing")).NotFound);
        Assert.True((await _h.DescribeAsync("t", schema: "other")).NotFound);
    }

    [Fact]
    public async Task Create_fails_with_already_exists_and_creates_missing_schemas()
    {
        await _h.CreateAsync(Table("t", Col("id", DataType.Long, pk: true)), schema: "brand_new_schema");
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => _h.CreateAsync(Table("t", Col("id", DataType.Long, pk: true)), schema: "brand_new_schema"));
        Assert.Equal(ConnectorErrorKind.AlreadyExists, ex.Kind);
        Assert.Contains("brand_new_schema.t", ex.Message);
    }

    [Fact]
    public async Task Names_with_dots_quotes_unicode_and_case_variants_never_collide_and_cannot_inject()
    {
        var names = new (string Schema, string Table)[]
        {
            ("a.b", "c"), ("a", "b.c"), ("s", "T"), ("s", "t"), ("s", "we\"ird'; DROP TABLE x;--"), ("схема", "表 🎉"), ("s", "sqlite_master"),
        };
        for (var i = 0; i < names.Length; i++)
        {
            var table = Table(names[i].Table, Col("id", DataType.Int, pk: true), Col("Name", DataType.String), Col("name", DataType.String), Col("v\"q", DataType.String));
            await _h.CreateAsync(table, names[i].Schema);
            var request = _h.Batch(table, replace: [_h.File(["id", "Name", "name", "v\"q"], [i, $"N{i}", $"n{i}", $"'); DROP TABLE t;-- {i}"])], schema: names[i].Schema);
            await _h.Connector.WriteBatchAsync(request, default);
        }

        for (var i = 0; i < names.Length; i++)
        {
            var described = await _h.DescribeAsync(names[i].Table, names[i].Schema);
            Assert.Equal(["id", "Name", "name", "v\"q"], described.Table.Columns.Select(c => c.Name));
        }

        using var connection = _h.OpenDatabase();
        for (var i = 0; i < names.Length; i++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT physical_name FROM _connectorhost_tables WHERE schema_name = $s AND table_name = $t";
            command.Parameters.AddWithValue("$s", names[i].Schema);
            command.Parameters.AddWithValue("$t", names[i].Table);
            var physical = (string)command.ExecuteScalar()!;
            command.CommandText = $"SELECT * FROM \"{physical.Replace("\"", "\"\"")}\"";
            command.Parameters.Clear();
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(new object[] { (long)i, $"N{i}", $"n{i}", $"'); DROP TABLE t;-- {i}" }, new[] { reader.GetValue(0), reader.GetValue(1), reader.GetValue(2), reader.GetValue(3) });
            Assert.False(reader.Read());
        }
    }

    [Fact]
    public async Task Alter_adds_columns_keeps_unrequested_ones_unless_drop_columns_and_converts_types()
    {
        var table = await _h.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.String), Col("old", DataType.String)));
        await _h.WriteAsync(table, replace: [_h.File(["id", "n", "old"], [1, "42", "x"], [2, "-7", null])]);

        await _h.AlterAsync(Table("t", Col("id", DataType.Long, pk: true), Col("n", DataType.Int), Col("added", DataType.Boolean)));
        Assert.Equal(["id", "n", "added", "old"], (await _h.DescribeAsync("t")).Table.Columns.Select(c => c.Name));
        Assert.Equal(new object?[] { 1L, 42L, null, "x" }, _h.Rows("t", "id, n, added, old", "id")[0]);
        Assert.Equal(new object?[] { 2L, -7L, null, null }, _h.Rows("t", "id, n, added, old", "id")[1]);

        await _h.AlterAsync(Table("t", Col("id", DataType.Long, pk: true), Col("n", DataType.String), Col("added", DataType.Boolean)), dropColumns: true);
        Assert.Equal(["id", "n", "added"], (await _h.DescribeAsync("t")).Table.Columns.Select(c => c.Name));
        Assert.Equal(["42", "-7"], _h.Rows("t", "n", "id").Select(r => r[0]));
    }

    [Fact]
    public async Task Alter_changes_the_primary_key_and_upserts_follow_the_new_key()
    {
        var table = await _h.CreateAsync(Table("t", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String, pk: true), Col("v", DataType.String)));
        await _h.WriteAsync(table, replace: [_h.File(["pk1", "pk2", "v"], [1, "A", "a"], [1, "B", "b"])]);
        var altered = Table("t", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String, pk: true), Col("new_pk", DataType.String, pk: true), Col("v", DataType.String));
        // Existing rows have no value for the new key column: SQLite refuses NULL keys, so the alter fails cleanly.
        var before = _h.Snapshot();
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => _h.AlterAsync(altered));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(before, _h.Snapshot());

        await _h.AlterAsync(Table("t", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String), Col("v", DataType.String, pk: true)));
        Assert.Equal([("pk1", true), ("pk2", false), ("v", true)], (await _h.DescribeAsync("t")).Table.Columns.Select(c => (c.Name, c.PrimaryKey)));
        var now = Table("t", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String), Col("v", DataType.String, pk: true));
        await _h.WriteAsync(now, replace: [_h.File(["pk1", "pk2", "v"], [1, "Z", "a"])]);
        Assert.Equal([("Z", "a"), ("B", "b")], _h.Rows("t", "pk2, v", "v").Select(r => ((string)r[0]!, (string)r[1]!)));
    }

    [Fact]
    public async Task Alter_with_a_value_that_cannot_convert_fails_naming_column_and_value_and_changes_nothing()
    {
        var table = await _h.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.String)));
        await _h.WriteAsync(table, replace: [_h.File(["id", "n"], [1, "12"], [2, "abc"])]);
        var before = _h.Snapshot();
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => _h.AlterAsync(Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.Int))));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("column 'n' value 'abc' cannot be converted from String to Int", ex.Message);
        Assert.Equal(before, _h.Snapshot());
        Assert.Equal(DataType.String, (await _h.DescribeAsync("t")).Table.Columns[1].Type);
    }

    [Fact]
    public async Task Alter_of_an_unknown_table_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => _h.AlterAsync(Table("missing", Col("id", DataType.Int, pk: true))));
        Assert.Equal(ConnectorErrorKind.NotFound, ex.Kind);
    }
}
