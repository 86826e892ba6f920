using System.Text.Json;
using ConnectorHost.Abstractions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Logging;

public sealed class FivetranJsonFormatterTests
{
    [Theory]
    [InlineData(LogEventLevel.Verbose, "INFO")]
    [InlineData(LogEventLevel.Debug, "INFO")]
    [InlineData(LogEventLevel.Information, "INFO")]
    [InlineData(LogEventLevel.Warning, "WARNING")]
    [InlineData(LogEventLevel.Error, "SEVERE")]
    [InlineData(LogEventLevel.Fatal, "SEVERE")]
    public void Maps_serilog_levels_to_fivetran_levels(LogEventLevel level, string expected)
    {
        var line = Format(logger => logger.Write(level, "hello"));

        Assert.Equal(expected, line.GetProperty("level").GetString());
    }

    [Theory]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("line1\nline2\r\n\ttab")]
    [InlineData("control \u0001\u001f\u007f end")]
    [InlineData("non-ASCII: é ü 中文 😀 \u2028")]
    [InlineData("</script><b>&'")]
    public void Any_message_round_trips_through_valid_json_on_one_line(string text)
    {
        var raw = FormatRaw(logger => logger.Information("{Text}", text));

        Assert.EndsWith("\n", raw);
        Assert.DoesNotContain('\n', raw.TrimEnd('\n'));
        using var document = JsonDocument.Parse(raw);
        Assert.Equal(text, document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Lone_surrogate_becomes_a_replacement_character_not_invalid_json()
    {
        var raw = FormatRaw(logger => logger.Information("{Text}", "bad \ud800 surrogate"));

        using var document = JsonDocument.Parse(raw);
        Assert.Equal("bad \ufffd surrogate", document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Writes_exactly_the_three_fivetran_fields_with_the_event_origin()
    {
        var line = Format(logger => logger.ForContext(FivetranLogOrigin.PropertyName, FivetranLogOrigin.Destination).Warning("careful {Count}", 3),
            new FivetranJsonFormatter(environment: _ => null));

        Assert.Equal(["level", "message", "message-origin"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("careful 3", line.GetProperty("message").GetString());
        Assert.Equal("sdk_destination", line.GetProperty("message-origin").GetString());
    }

    [Fact]
    public void Every_line_carries_the_fivetran_account_and_group_when_the_environment_names_them()
    {
        var environment = new Dictionary<string, string?> { ["FIVETRAN_ACCOUNT_NAME"] = "acme", ["FIVETRAN_GROUP_NAME"] = "warehouse \"eu\"" };

        var line = Format(logger => logger.Information("x"), new FivetranJsonFormatter(environment: name => environment.GetValueOrDefault(name)));

        Assert.Equal(["level", "message", "message-origin", "account-name", "group-name"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("acme", line.GetProperty("account-name").GetString());
        Assert.Equal("warehouse \"eu\"", line.GetProperty("group-name").GetString());
    }

    [Fact]
    public void Uses_the_default_origin_when_the_event_has_none()
    {
        var line = Format(logger => logger.Information("x"), new FivetranJsonFormatter(FivetranLogOrigin.Destination));

        Assert.Equal("sdk_destination", line.GetProperty("message-origin").GetString());
    }

    [Fact]
    public void Exception_is_summarised_as_type_and_message_without_stack_trace()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("it broke");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var line = Format(logger => logger.Error(thrown, "Update failed"));

        Assert.Equal("Update failed: InvalidOperationException: it broke", line.GetProperty("message").GetString());
    }

    [Fact]
    public void Registered_secrets_are_masked_even_inside_a_logged_dictionary()
    {
        var redactor = new SecretRedactor();
        redactor.Register("hunter2\"quoted");
        var configuration = new Dictionary<string, string> { ["host"] = "db.example", ["password"] = "hunter2\"quoted" };

        var plain = FormatRaw(logger => logger.Information("configuration: {Configuration}", configuration), new FivetranJsonFormatter(redactor: redactor));
        var destructured = FormatRaw(logger => logger.Information("configuration: {@Configuration}", configuration), new FivetranJsonFormatter(redactor: redactor));
        var direct = FormatRaw(logger => logger.Information("password is {Password}", configuration["password"]), new FivetranJsonFormatter(redactor: redactor));

        foreach (var raw in new[] { plain, destructured, direct })
        {
            Assert.DoesNotContain("hunter2", raw);
            Assert.Contains("***", raw);
        }

        Assert.Contains("db.example", plain);
    }

    [Fact]
    public void Redactor_ignores_empty_values()
    {
        var redactor = new SecretRedactor();
        redactor.Register("");
        redactor.Register(null);

        Assert.Equal("unchanged", redactor.Redact("unchanged"));
    }

    private static JsonElement Format(Action<ILogger> log, FivetranJsonFormatter? formatter = null)
    {
        using var document = JsonDocument.Parse(FormatRaw(log, formatter));
        return document.RootElement.Clone();
    }

    private static string FormatRaw(Action<ILogger> log, FivetranJsonFormatter? formatter = null)
    {
        var sink = new CollectingSink();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
        {
            log(logger);
        }

        var output = new StringWriter();
        (formatter ?? new FivetranJsonFormatter()).Format(Assert.Single(sink.Events), output);
        return output.ToString();
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
