using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>The typed getters both batch-file readers (CSV and Parquet) have, for <see cref="CellValue.Get"/>.</summary>
internal interface ITypedCells
{
    CellState GetState(int ordinal);
    DataType GetDataType(int ordinal);
    bool GetBoolean(int ordinal);
    short GetInt16(int ordinal);
    int GetInt32(int ordinal);
    long GetInt64(int ordinal);
    string GetDecimalString(int ordinal);
    float GetSingle(int ordinal);
    double GetDouble(int ordinal);
    DateOnly GetDate(int ordinal);
    TimeOnly GetTime(int ordinal);
    DateTime GetNaiveDateTime(int ordinal);
    DateTimeOffset GetUtcDateTime(int ordinal);
    byte[] GetBinary(int ordinal);
    string GetString(int ordinal);

    /// <summary>A cell of a column the table lacks (UNSPECIFIED): CSV has only its text, Parquet its stored value.</summary>
    object GetUntypedValue(int ordinal);
}

/// <summary>The one mapping from a table's DataType to the .NET value <c>GetValue</c> returns, for both readers.</summary>
internal static class CellValue
{
    public static object? Get<TReader>(TReader reader, int ordinal) where TReader : ITypedCells
    {
        if (reader.GetState(ordinal) == CellState.Null)
        {
            return null;
        }
        return reader.GetDataType(ordinal) switch
        {
            DataType.Boolean => reader.GetBoolean(ordinal),
            DataType.Short => reader.GetInt16(ordinal),
            DataType.Int => reader.GetInt32(ordinal),
            DataType.Long => reader.GetInt64(ordinal),
            DataType.Decimal => reader.GetDecimalString(ordinal),
            DataType.Float => reader.GetSingle(ordinal),
            DataType.Double => reader.GetDouble(ordinal),
            DataType.NaiveDate => reader.GetDate(ordinal),
            DataType.NaiveTime => reader.GetTime(ordinal),
            DataType.NaiveDatetime => reader.GetNaiveDateTime(ordinal),
            DataType.UtcDatetime => reader.GetUtcDateTime(ordinal),
            DataType.Binary => reader.GetBinary(ordinal),
            DataType.Unspecified => reader.GetUntypedValue(ordinal),
            _ => reader.GetString(ordinal), // STRING, JSON, XML
        };
    }
}
