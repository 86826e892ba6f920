using FivetranSdk.V2;

namespace ExampleSource;

/// <summary>The setup form of Fivetran's Python example source, field for field.</summary>
internal static class ExampleSourceForm
{
    public const string ApiBaseUrl = "apiBaseURL";

    public static IReadOnlyList<ConfigurationTest> Tests { get; } =
    [
        new ConfigurationTest { Name = "connect", Label = "Tests connection" },
        new ConfigurationTest { Name = "select", Label = "Tests selection" },
    ];

    public static ConfigurationFormResponse Build()
    {
        var form = new ConfigurationFormResponse { SchemaSelectionSupported = true, TableSelectionSupported = true };
        form.Fields.Add(new FormField
        {
            Name = ApiBaseUrl,
            Label = "API base URL",
            Description = "Enter the base URL for the API you're connecting to",
            Required = true,
            TextField = TextField.PlainText,
            Placeholder = "api_base_url",
        });
        form.Fields.Add(new FormField
        {
            Name = "authenticationMethod",
            Label = "Authentication Method",
            Description = "Choose the preferred authentication method to securely access the API",
            DropdownField = Dropdown("OAuth2.0", "API Key", "Basic Auth", "None"),
            DefaultValue = "None",
        });
        form.Fields.Add(Conditional("conditionalOAuthFields", "OAuth2.0 Conditional Fields", "OAuth2.0",
            Text("client_id", "Client ID", TextField.Password, "your_client_id_here"),
            Text("client_secret", "Client Secret", TextField.Password, "your_client_secret_here")));
        form.Fields.Add(Conditional("conditionalApiKeyFields", "API Key Conditional Fields", "API Key",
            Text("api_key", "API Key", TextField.Password, "your_api_key_here")));
        form.Fields.Add(Conditional("conditionalBasicAuthFields", "Basic Auth Conditional Fields", "Basic Auth",
            Text("username", "Username", TextField.PlainText, "your_username_here"),
            Text("password", "Password", TextField.Password, "your_password_here")));
        form.Fields.Add(new FormField
        {
            Name = "apiVersion",
            Label = "API Version",
            DropdownField = Dropdown("v1", "v2", "v3"),
            DefaultValue = "v2",
        });
        form.Fields.Add(new FormField { Name = "shouldEnableMetrics", Label = "Enable Metrics?", ToggleField = new ToggleField() });
        form.Tests.AddRange(Tests);
        return form;
    }

    private static DropdownField Dropdown(params string[] options)
    {
        var dropdown = new DropdownField();
        dropdown.DropdownField_.AddRange(options);
        return dropdown;
    }

    private static FormField Text(string name, string label, TextField kind, string placeholder) =>
        new() { Name = name, Label = label, TextField = kind, Placeholder = placeholder };

    private static FormField Conditional(string name, string label, string whenAuthenticationMethodIs, params FormField[] fields)
    {
        var conditional = new ConditionalFields
        {
            Condition = new VisibilityCondition { ConditionField = "authenticationMethod", StringValue = whenAuthenticationMethodIs },
        };
        conditional.Fields.AddRange(fields);
        return new FormField { Name = name, Label = label, ConditionalFields = conditional };
    }
}
