namespace ConnectorHost.Abstractions.Source;

/// <summary>A JSON document given as text, sent as a <c>json</c> value (the text is passed through unchanged).</summary>
public readonly record struct JsonText(string Text);

/// <summary>An XML document given as text, sent as an <c>xml</c> value (the text is passed through unchanged).</summary>
public readonly record struct XmlText(string Text);

/// <summary>
/// A decimal given as its digits, for values beyond <see cref="decimal"/> (up to 38 digits and more), sent as a
/// <c>decimal</c> value. Create it with <see cref="Values.Decimal(string)"/> to have the text checked.
/// </summary>
public readonly record struct DecimalText(string Digits);
