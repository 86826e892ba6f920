using FivetranSdk.V2;

namespace ExampleDestination.Configuration;

/// <summary>The configuration form of Fivetran's Python example destination, field for field.</summary>
internal static class ExampleDestinationForm
{
    public static readonly IReadOnlyList<string> TestNames = ["connect", "select"];

    public static ConfigurationFormResponse Build()
    {
        var response = new ConfigurationFormResponse
        {
            SchemaSelectionSupported = true,
            TableSelectionSupported = true,
        };
        response.Fields.Add(new FormField
        {
            Name = "writerType",
            Label = "Writer Type",
            Description = "Choose the destination type",
            DropdownField = new DropdownField { DropdownField_ = { "Database", "File", "Cloud" } },
            DefaultValue = "Database",
        });
        response.Fields.Add(Conditional("conditional_field_for_file", "Conditional field for File", "File",
            Host(), Port(), User(), Password(), Table(), FilePath()));
        response.Fields.Add(Conditional("conditional_field_for_cloud", "Conditional field for cloud", "Cloud",
            Host(), Port(), User(), Password(), Region()));
        response.Fields.Add(Conditional("conditional_field_for_database", "Conditional field for Database", "Database",
            Host(), Port(), User(), Password(), Database(), Table()));
        response.Fields.Add(new FormField
        {
            Name = "enableEncryption",
            Label = "Enable Encryption?",
            Description = "To enable/disable encryption for data transfer",
            ToggleField = new ToggleField(),
        });
        response.Tests.Add(new ConfigurationTest { Name = "connect", Label = "Tests connection" });
        response.Tests.Add(new ConfigurationTest { Name = "select", Label = "Tests selection" });
        return response;
    }

    private static FormField Conditional(string name, string label, string writerType, params FormField[] fields) => new()
    {
        Name = name,
        Label = label,
        ConditionalFields = new ConditionalFields
        {
            Condition = new VisibilityCondition { ConditionField = "writerType", StringValue = writerType },
            Fields = { fields },
        },
    };

    // The shared field definitions: each conditional group gets its own copy.
    private static FormField Host() => Text("host", "Host", "your_host_details");

    private static FormField Port() => Text("port", "Port", "your_port_details");

    private static FormField User() => Text("user", "User", "user_name");

    private static FormField Password() => Text("password", "Password", "your_password", TextField.Password);

    private static FormField Database() => Text("database", "Database", "your_database_name");

    private static FormField Table() => Text("table", "Table", "your_table_name");

    private static FormField FilePath() => Text("filePath", "File Path", "your_file_path");

    private static FormField Region() => new()
    {
        Name = "region",
        Label = "Cloud Region",
        Description = "Choose the cloud region",
        DropdownField = new DropdownField { DropdownField_ = { "Azure", "AWS", "Google Cloud" } },
        DefaultValue = "Azure",
    };

    private static FormField Text(string name, string label, string placeholder, TextField kind = TextField.PlainText) => new()
    {
        Name = name,
        Label = label,
        TextField = kind,
        Placeholder = placeholder,
    };
}
