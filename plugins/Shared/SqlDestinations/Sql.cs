namespace SqlDestinations;

internal static class Sql
{
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string QuoteList(IEnumerable<string> names) => string.Join(", ", names.Select(Quote));

    /// <summary><c>a.k1 = b.k1 AND a.k2 = b.k2</c> over the record key, with each side's column naming.</summary>
    public static string KeyJoin(IEnumerable<ColumnDefinition> key, string left, Func<ColumnDefinition, string> right) =>
        string.Join(" AND ", key.Select(k => $"{left}.{Quote(k.Name)} = {right(k)}"));
}
