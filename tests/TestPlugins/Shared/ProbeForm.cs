using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace ProbeShared;

/// <summary>Form and behaviours shared by the probe plugins' RPCs (compiled into each probe plugin: plugins share no assembly but the abstractions).</summary>
internal static class ProbeForm
{
    public static ConfigurationFormResponse Create()
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = false, TableSelectionSupported = true };
        form.Fields.Add(new FormField { Name = "host", Label = "Host", TextField = TextField.PlainText });
        form.Fields.Add(new FormField { Name = "password", Label = "Password", TextField = TextField.Password });
        var conditional = new ConditionalFields { Condition = new VisibilityCondition { ConditionField = "useToken", BoolValue = true } };
        conditional.Fields.Add(new FormField { Name = "apiToken", Label = "API token", TextField = TextField.Password });
        form.Fields.Add(new FormField { Name = "useToken", Label = "Use a token", ToggleField = new ToggleField() });
        form.Fields.Add(new FormField { Name = "tokenFields", Label = "Token", ConditionalFields = conditional });
        form.Tests.Add(new ConfigurationTest { Name = "connect", Label = "Connecting" });
        return form;
    }

    public static string? Behaviour(IDictionary<string, string> configuration) =>
        configuration.TryGetValue("behaviour", out var value) ? value : null;

    public static string? Sized(IDictionary<string, string> configuration) =>
        configuration.TryGetValue("responseBytes", out var value) && int.TryParse(value, out var size) ? new string('x', size) : null;

    public static void ThrowIfAsked(IDictionary<string, string> configuration)
    {
        configuration.TryGetValue("message", out var message);
        switch (Behaviour(configuration))
        {
            case "connector-error":
                throw new ConnectorException(Enum.Parse<ConnectorErrorKind>(configuration["kind"]), message ?? "probe failure");
            case "plain-error":
                throw new InvalidOperationException(message ?? "probe exploded");
            case "console":
                // What a careless plugin does: raw text on stdout and stderr, a line in two writes, one without a newline.
                Console.Write("console ");
                Console.WriteLine(message ?? "out");
                Console.Error.WriteLine((message ?? "out") + " on stderr");
                Console.Out.Flush();
                break;
        }
    }
}
