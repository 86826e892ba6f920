using FivetranSdk.V2;
using Google.Protobuf.Collections;
using ConnectorHost.Abstractions.Logging;

namespace ConnectorHost.Dispatch;

/// <summary>
/// The configuration fields whose values are secrets: those the plugin's form declares as TextField.Password
/// (conditional fields included). Their values in each request are registered with the redactor before the plugin
/// runs, so they never reach a log line.
/// </summary>
public sealed class PasswordFields
{
    private readonly HashSet<string> _names;

    public PasswordFields(IEnumerable<string> names) => _names = new HashSet<string>(names, StringComparer.Ordinal);

    public static PasswordFields None { get; } = new([]);

    public IReadOnlyCollection<string> Names => _names;

    public static PasswordFields FromForm(ConfigurationFormResponse form)
    {
        var names = new List<string>();
        Collect(form.Fields, names);
        return new PasswordFields(names);
    }

    public void RegisterValues(MapField<string, string>? configuration, SecretRedactor redactor)
    {
        if (configuration is null || _names.Count == 0)
        {
            return;
        }

        foreach (var name in _names)
        {
            if (configuration.TryGetValue(name, out var value))
            {
                redactor.Register(value);
            }
        }
    }

    private static void Collect(IEnumerable<FormField> fields, List<string> names)
    {
        foreach (var field in fields)
        {
            if (field.TypeCase == FormField.TypeOneofCase.TextField && field.TextField == TextField.Password)
            {
                names.Add(field.Name);
            }
            else if (field.TypeCase == FormField.TypeOneofCase.ConditionalFields)
            {
                Collect(field.ConditionalFields.Fields, names);
            }
        }
    }
}
