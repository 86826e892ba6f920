using ConnectorHost.Abstractions;

namespace SqliteDestination.Storage;

/// <summary>Identifier quoting: every name that reaches SQL text goes through here; values are always bound.</summary>
internal static class Sql
{
    public static string Quote(string identifier)
    {
        if (identifier.Contains('\0'))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Name '{identifier.Replace("\0", "\\0")}' contains a NUL character, which SQLite identifiers cannot hold.");
        }

        return "\"" + identifier.Replace("\"", "\"\"") + "\"";
    }

    public static string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    public static void RequireName(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name is empty.");
        }

        if (name.Contains('\0'))
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The {what} name '{name.Replace("\0", "\\0")}' contains a NUL character.");
        }
    }
}
