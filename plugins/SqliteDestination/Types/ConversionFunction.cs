using System.Globalization;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;

namespace SqliteDestination.Types;

/// <summary>
/// A SQL function <c>connectorhost_convert(value, from_type, to_type, column)</c> so type changes run inside one
/// INSERT ... SELECT; a value that does not convert aborts the statement (and so the transaction) with a message
/// naming the column and the value.
/// </summary>
internal static class ConversionFunction
{
    public const string Name = "connectorhost_convert";

    public static void Register(SqliteConnection connection)
    {
        connection.CreateFunction<object?, string, string, string, object?>(Name, (value, from, to, column) =>
        {
            if (value is null or DBNull) return null;
            var fromType = Enum.Parse<DataType>(from);
            var toType = Enum.Parse<DataType>(to);
            try
            {
                return StorageFormat.Convert(value, fromType, toType);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                var text = value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(value, CultureInfo.InvariantCulture);
                throw new InvalidOperationException($"column '{column}' value '{text}' cannot be converted from {fromType} to {toType} ({ex.Message})");
            }
        }, isDeterministic: true);
    }

    public static string Call(string quotedColumn, DataType from, DataType to, string columnName) =>
        $"{Name}({quotedColumn}, '{from}', '{to}', {SqlLiteral(columnName)})";

    private static string SqlLiteral(string text) => "'" + text.Replace("'", "''") + "'";
}
