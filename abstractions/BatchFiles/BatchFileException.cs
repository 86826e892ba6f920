namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>
/// A batch file that cannot be read: missing, undecryptable, corrupt, or holding a row or value that does not fit
/// the table. The message names the file and, when known, the row and column. It never contains key material and
/// quotes at most <see cref="MaxQuotedValueLength"/> characters of a value.
/// The host answers INVALID_ARGUMENT (NOT_FOUND for a file that does not exist).
/// </summary>
public sealed class BatchFileException : ConnectorException
{
    public const int MaxQuotedValueLength = 100;

    public BatchFileException(
        string filePath,
        string problem,
        long? row = null,
        string? column = null,
        ConnectorErrorKind kind = ConnectorErrorKind.InvalidArgument,
        Exception? innerException = null)
        : base(kind, Describe(filePath, problem, row, column), innerException)
    {
        FilePath = filePath;
        Problem = problem;
        Row = row;
        Column = column;
    }

    /// <summary>The batch file as the request named it.</summary>
    public string FilePath { get; }

    /// <summary>The problem alone, without file/row/column.</summary>
    public string Problem { get; }

    /// <summary>1-based data row (the header is not counted), when the problem is in a row.</summary>
    public long? Row { get; }

    /// <summary>The column, when the problem is in one cell or one header column.</summary>
    public string? Column { get; }

    private static string Describe(string filePath, string problem, long? row, string? column)
    {
        var where = $"batch file '{filePath}'";
        if (row is not null)
        {
            where += $", row {row}";
        }
        if (column is not null)
        {
            // Header names come from the file: escaped and cut like any quoted value.
            where += $", column {Quote(column)}";
        }
        return $"{where}: {problem}";
    }

    /// <summary>A value as it may appear in a message: quoted, control characters escaped, cut to the maximum length.</summary>
    public static string Quote(string value) => Quote(value, MaxQuotedValueLength);

    /// <summary>A value quoted as by <see cref="Quote(string)"/>, cut to <paramref name="maxLength"/> characters.</summary>
    public static string Quote(string value, int maxLength)
    {
        var cut = value.Length > maxLength;
        var text = cut ? value[..maxLength] : value;
        var builder = new System.Text.StringBuilder(text.Length + 8).Append('\'');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ' or '\u007f': builder.Append($"\\u{(int)c:x4}"); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('\'');
        if (cut)
        {
            builder.Append($"… ({value.Length} characters)");
        }
        return builder.ToString();
    }
}
