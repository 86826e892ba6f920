using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace ConnectorHost.Abstractions.Logging;

/// <summary>
/// Writes one Serilog event as Fivetran's JSON log line:
/// <c>{"level":"INFO|WARNING|SEVERE","message":"...","message-origin":"sdk_connector|sdk_destination"}</c>.
/// String values are rendered without quotes, an exception is appended as "Type: message" (never a stack trace),
/// registered secrets are masked, and the line is valid JSON whatever the message holds. When the environment has
/// FIVETRAN_ACCOUNT_NAME and FIVETRAN_GROUP_NAME (set by Fivetran for log context, per its development guide), every
/// line carries them as <c>account-name</c> and <c>group-name</c>.
/// </summary>
public sealed class FivetranJsonFormatter : ITextFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Escapes only what JSON requires (quotes, backslash, control characters); apostrophes and non-ASCII stay
        // readable, so the line must be written as UTF-8 (the host's stdout is). Lone surrogates become U+FFFD.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public const string AccountNameVariable = "FIVETRAN_ACCOUNT_NAME";
    public const string GroupNameVariable = "FIVETRAN_GROUP_NAME";

    private readonly string _defaultOrigin;
    private readonly SecretRedactor? _redactor;
    private readonly string? _accountName;
    private readonly string? _groupName;

    /// <param name="defaultOrigin">Origin for events without a <see cref="FivetranLogOrigin.PropertyName"/> property.</param>
    /// <param name="redactor">Secrets masked in every message; null for none.</param>
    /// <param name="environment">Where FIVETRAN_ACCOUNT_NAME and FIVETRAN_GROUP_NAME are read; the process environment by default.</param>
    public FivetranJsonFormatter(string defaultOrigin = FivetranLogOrigin.Connector, SecretRedactor? redactor = null, Func<string, string?>? environment = null)
    {
        _defaultOrigin = defaultOrigin;
        _redactor = redactor;
        environment ??= Environment.GetEnvironmentVariable;
        _accountName = NonEmpty(environment(AccountNameVariable));
        _groupName = NonEmpty(environment(GroupNameVariable));
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("level", LevelName(logEvent.Level));
            writer.WriteString("message", RenderMessage(logEvent));
            writer.WriteString("message-origin", Origin(logEvent));
            if (_accountName is not null)
            {
                writer.WriteString("account-name", _accountName);
            }

            if (_groupName is not null)
            {
                writer.WriteString("group-name", _groupName);
            }

            writer.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    /// <summary>Fivetran's level for a Serilog level.</summary>
    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error or LogEventLevel.Fatal => "SEVERE",
        _ => "INFO",
    };

    /// <summary>The message text as written to the line, after masking secrets.</summary>
    public string RenderMessage(LogEvent logEvent)
    {
        var text = new StringBuilder();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string literal })
            {
                // A string argument reads better without the quotes Serilog's default rendering adds.
                text.Append(literal);
            }
            else
            {
                using var writer = new StringWriter(text);
                token.Render(logEvent.Properties, writer);
            }
        }

        if (logEvent.Exception is { } exception)
        {
            text.Append(text.Length > 0 ? ": " : string.Empty).Append(Summarise(exception));
        }

        var rendered = text.ToString();
        return _redactor is null ? rendered : _redactor.Redact(rendered);
    }

    /// <summary>"Type: message" for an exception, without a stack trace.</summary>
    public static string Summarise(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private string Origin(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(FivetranLogOrigin.PropertyName, out var value) && value is ScalarValue { Value: string origin }
            ? origin
            : _defaultOrigin;
}
