using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace SqlDestinations;

/// <summary>
/// The Fivetran view of every table — types, DECIMAL parameters, string byte lengths, key flags and column
/// order — kept in one catalog table beside the data, because the engine's own types and constraints cannot say
/// all of it (XML and STRING share a type; keys are not enforced as constraints). DescribeTable answers from here.
/// </summary>
internal sealed class TableCatalog(ISqlDialect dialect)
{
    private string Columns => $"{dialect.QuoteSchema(dialect.CatalogSchema)}.\"columns\"";

    public string PhysicalName(string schema, string table) => $"{dialect.QuoteSchema(dialect.PhysicalSchema(schema))}.{Sql.Quote(table)}";

    public string PhysicalName(TableDefinition table) => PhysicalName(table.Schema, table.Name);

    public void EnsureCreated(ISqlSession session)
    {
        session.Execute($"CREATE SCHEMA IF NOT EXISTS {dialect.QuoteSchema(dialect.CatalogSchema)}");
        session.Execute($"""
            CREATE TABLE IF NOT EXISTS {Columns} (
                schema_name VARCHAR NOT NULL,
                table_name VARCHAR NOT NULL,
                ordinal INTEGER NOT NULL,
                column_name VARCHAR NOT NULL,
                data_type VARCHAR NOT NULL,
                primary_key BOOLEAN NOT NULL,
                decimal_precision INTEGER,
                decimal_scale INTEGER,
                string_byte_length INTEGER)
            """);
    }

    public TableDefinition? Find(ISqlSession session, string schema, string table)
    {
        var rows = session.Query(
            $"SELECT column_name, data_type, primary_key, decimal_precision, decimal_scale, string_byte_length FROM {Columns} WHERE schema_name = $1 AND table_name = $2 ORDER BY ordinal",
            schema, table);
        if (rows.Count == 0)
        {
            return null;
        }

        return new TableDefinition(schema, table, rows.Select(r => new ColumnDefinition(
            (string)r[0]!,
            Enum.Parse<DataType>((string)r[1]!),
            Convert.ToBoolean(r[2], System.Globalization.CultureInfo.InvariantCulture),
            r[3] is null ? null : Convert.ToUInt32(r[3], System.Globalization.CultureInfo.InvariantCulture),
            r[4] is null ? null : Convert.ToUInt32(r[4], System.Globalization.CultureInfo.InvariantCulture),
            r[5] is null ? null : Convert.ToInt32(r[5], System.Globalization.CultureInfo.InvariantCulture))).ToList());
    }

    public TableDefinition Require(ISqlSession session, string schema, string table) =>
        Find(session, schema, table) ?? throw new ConnectorException(ConnectorErrorKind.NotFound, $"Table {schema}.{table} does not exist.");

    public TableDefinition Create(ISqlSession session, TableDefinition table)
    {
        Validate(table);
        if (Find(session, table.Schema, table.Name) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.DisplayName} already exists.");
        }

        session.Execute($"CREATE SCHEMA IF NOT EXISTS {dialect.QuoteSchema(dialect.PhysicalSchema(table.Schema))}");
        session.Execute($"CREATE TABLE {PhysicalName(table)} ({string.Join(", ", table.Columns.Select(c => $"{Sql.Quote(c.Name)} {dialect.SqlType(c)}"))})");
        Save(session, table);
        return table;
    }

    /// <summary>Replaces the catalog rows of the table with its current definition.</summary>
    public void Save(ISqlSession session, TableDefinition table)
    {
        Forget(session, table.Schema, table.Name);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            session.Execute(
                $"INSERT INTO {Columns} (schema_name, table_name, ordinal, column_name, data_type, primary_key, decimal_precision, decimal_scale, string_byte_length) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                table.Schema, table.Name, i, c.Name, c.Type.ToString(), c.PrimaryKey, c.Precision is { } p ? (int)p : null, c.Scale is { } s ? (int)s : null, c.StringByteLength);
        }

        dialect.TableSaved(session, PhysicalName(table), table);
    }

    public void Forget(ISqlSession session, string schema, string table) =>
        session.Execute($"DELETE FROM {Columns} WHERE schema_name = $1 AND table_name = $2", schema, table);

    public void Drop(ISqlSession session, TableDefinition table)
    {
        session.Execute($"DROP TABLE IF EXISTS {PhysicalName(table)}");
        Forget(session, table.Schema, table.Name);
    }

    public TableDefinition Rename(ISqlSession session, TableDefinition table, string newName)
    {
        dialect.ValidateName(newName, "table");
        if (Find(session, table.Schema, newName) is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.AlreadyExists, $"Table {table.Schema}.{newName} already exists.");
        }

        session.Execute($"ALTER TABLE {PhysicalName(table)} RENAME TO {Sql.Quote(newName)}");
        Forget(session, table.Schema, table.Name);
        var renamed = table with { Name = newName };
        Save(session, renamed);
        return renamed;
    }

    public void Validate(TableDefinition table)
    {
        dialect.ValidateName(table.Schema, "schema");
        dialect.ValidateName(table.Name, "table");
        if (table.Schema == dialect.CatalogSchema)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Schema name '{table.Schema}' is reserved for the destination's catalog.");
        }

        if (table.Columns.Count == 0)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Table {table.DisplayName} has no columns.");
        }

        foreach (var column in table.Columns)
        {
            dialect.ValidateName(column.Name, "column");
            if (column.Type == DataType.Unspecified)
            {
                throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Column '{column.Name}' of table {table.DisplayName} has no data type.");
            }
        }

        var duplicate = table.Columns.GroupBy(c => c.Name.ToUpperInvariant()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument,
                $"Table {table.DisplayName} names column '{duplicate.First().Name}' more than once (names are compared ignoring case).");
        }
    }
}
