using FivetranSdk.V2;

namespace ExampleSource;

/// <summary>
/// The Test call. The Python example always answers success; this checks what can be checked without a network:
/// the test name and the API base URL.
/// </summary>
internal static class ConfigurationChecks
{
    public static TestResponse Run(TestRequest request)
    {
        if (!ExampleSourceForm.Tests.Any(t => t.Name == request.Name))
        {
            var known = string.Join(", ", ExampleSourceForm.Tests.Select(t => $"'{t.Name}'"));
            return Failure($"Unknown test '{request.Name}': this connector's tests are {known}.");
        }

        string? problem = ApiBaseUrlProblem(request.Configuration) ?? LoadKnob.Problem(request.Configuration);
        return problem is null ? new TestResponse { Success = true } : Failure(problem);
    }

    private static string? ApiBaseUrlProblem(IDictionary<string, string> configuration)
    {
        if (!configuration.TryGetValue(ExampleSourceForm.ApiBaseUrl, out var value) || string.IsNullOrWhiteSpace(value))
        {
            return $"The API base URL ({ExampleSourceForm.ApiBaseUrl}) is missing: enter the absolute URL of the API, e.g. https://api.example.com/.";
        }

        // Uri alone would take "/path" as an absolute file:// URI on Linux, so the scheme is checked too.
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"The API base URL ({ExampleSourceForm.ApiBaseUrl}) '{value}' is not an absolute http:// or https:// URL, e.g. https://api.example.com/.";
        }

        return null;
    }

    private static TestResponse Failure(string message) => new() { Failure = message };
}
