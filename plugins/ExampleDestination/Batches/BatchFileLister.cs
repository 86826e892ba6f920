using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ExampleDestination.Batches;

/// <summary>
/// What the example destination does with batch files: reads every file of the request completely (so a bad file
/// fails the call with the reader's precise error) and logs, per file, its name, operation and row count, and at
/// Debug level every row, like the Python example prints them. Nothing is stored.
/// </summary>
internal sealed class BatchFileLister
{
    private readonly ILogger _logger;

    public BatchFileLister(ILogger logger)
    {
        _logger = logger;
    }

    public void ReadAll(
        string schema,
        Table? table,
        FileParams? fileParams,
        IReadOnlyDictionary<string, ByteString> keys,
        IEnumerable<(BatchFileOperation Operation, IEnumerable<string> Files)> filesInOrder,
        CancellationToken cancellationToken)
    {
        if (table is null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, "The request has no table.");
        }
        if (fileParams is null)
        {
            throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"The request for table {schema}.{table.Name} has no file_params.");
        }
        foreach (var (operation, files) in filesInOrder)
        {
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = ReadFile(schema, table, fileParams, keys, operation, file, cancellationToken);
                _logger.LogInformation("Read {Operation} file {File} for table {Schema}.{Table}: {Rows} rows",
                    operation.Describe(), file, schema, table.Name, rows);
            }
        }
    }

    private long ReadFile(
        string schema, Table table, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys,
        BatchFileOperation operation, string file, CancellationToken cancellationToken)
    {
        using var reader = BatchFileReader.Open(file, fileParams, keys, table);
        var logRows = _logger.IsEnabled(LogLevel.Debug);
        while (reader.Read())
        {
            if ((reader.RowNumber & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (logRows)
            {
                _logger.LogDebug("{Operation} row {Row} of {File} ({Schema}.{Table}): {Cells}",
                    operation.Describe(), reader.RowNumber, file, schema, table.Name, DescribeRow(reader));
            }
            else
            {
                ValidateRow(reader);
            }
        }
        return reader.RowNumber;
    }

    /// <summary>Every cell parsed as its column's type, so a bad value fails the call even when rows are not logged.</summary>
    private static void ValidateRow(BatchFileReader reader)
    {
        for (var i = 0; i < reader.Columns.Count; i++)
        {
            if (reader.GetState(i) == CellState.Value && reader.GetDataType(i) is not (DataType.String or DataType.Json or DataType.Xml or DataType.Unspecified))
            {
                reader.GetValue(i);
            }
        }
    }

    private static string DescribeRow(BatchFileReader reader)
    {
        var text = new StringBuilder();
        for (var i = 0; i < reader.Columns.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            text.Append(reader.Columns[i]).Append('=');
            switch (reader.GetState(i))
            {
                case CellState.Null:
                    text.Append("NULL");
                    break;
                case CellState.Unmodified:
                    text.Append("<unmodified>");
                    break;
                default:
                    text.Append(FormatValue(reader.GetValue(i)));
                    break;
            }
        }
        return text.ToString();
    }

    private static string FormatValue(object? value) => value switch
    {
        string s => BatchFileException.Quote(s),
        byte[] bytes => $"<{bytes.Length} bytes>",
        bool b => b ? "true" : "false",
        DateTimeOffset utc => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "NULL",
    };
}
