using System.Text;
using ConnectorHost.Abstractions.BatchFiles;
using SqliteDestination.Catalog;

namespace SqliteDestination.Writing;

/// <summary>
/// DECIMAL(p, s) values as a SQL database would take them: more fraction digits than the scale are rounded to it
/// (half away from zero), and a value needing more integer digits than p − s is refused, naming file, row and
/// column. A column without declared precision takes any value. Every value is stored in its shortest plain form
/// (no trailing fraction zeros): the text is the value's identity in keys and comparisons, and one number arrives
/// as 1.5 in one CSV file, 1.50 in another and as 1.500 from a Parquet DECIMAL(p, 3).
/// </summary>
internal static class DecimalFit
{
    public static string Fit(BatchFileReader reader, int ordinal, ColumnDefinition column)
    {
        var plain = reader.GetDecimalString(ordinal); // validated, plain notation, every digit kept
        if (column.Precision is not { } precision || precision == 0)
        {
            return Shortest(plain);
        }
        var scale = (int)(column.Scale ?? 0);
        var negative = plain.StartsWith('-');
        var unsigned = negative || plain.StartsWith('+') ? plain[1..] : plain;
        var point = unsigned.IndexOf('.');
        var integer = (point < 0 ? unsigned : unsigned[..point]).TrimStart('0');
        var fraction = point < 0 ? "" : unsigned[(point + 1)..];
        var result = plain;

        if (fraction.Length > scale)
        {
            var digits = new StringBuilder(integer).Append(fraction, 0, scale);
            if (fraction[scale] >= '5')
            {
                var i = digits.Length - 1;
                while (i >= 0 && digits[i] == '9')
                {
                    digits[i--] = '0';
                }
                if (i >= 0)
                {
                    digits[i]++;
                }
                else
                {
                    digits.Insert(0, '1');
                }
            }
            var text = digits.ToString();
            integer = text[..(text.Length - scale)].TrimStart('0');
            fraction = text[(text.Length - scale)..];
            var isZero = integer.Length == 0 && fraction.All(c => c == '0');
            result = (negative && !isZero ? "-" : "") + (integer.Length == 0 ? "0" : integer) + (scale > 0 ? "." + fraction : "");
        }

        var allowed = (int)precision - scale;
        if (integer.Length > allowed)
        {
            throw new BatchFileException(reader.FilePath,
                $"value {BatchFileException.Quote(reader.GetRawString(ordinal))} does not fit DECIMAL({precision},{scale}): it has {integer.Length} digits before the decimal point, the column allows {Math.Max(allowed, 0)}",
                reader.RowNumber, column.Name);
        }
        return Shortest(result);
    }

    private static string Shortest(string plain)
    {
        if (!plain.Contains('.', StringComparison.Ordinal))
        {
            return plain;
        }
        return plain.TrimEnd('0').TrimEnd('.');
    }
}
