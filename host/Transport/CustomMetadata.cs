using Microsoft.AspNetCore.Http;

namespace ConnectorHost.Transport;

/// <summary>Separates custom metadata from the headers the gRPC protocol itself uses.</summary>
internal static class CustomMetadata
{
    public static IReadOnlyDictionary<string, string> FromRequest(IHeaderDictionary headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            if (IsProtocolHeader(name))
            {
                continue;
            }
            metadata[name.ToLowerInvariant()] = values.ToString();
        }
        return metadata;
    }

    public static void Validate(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (IsProtocolHeader(key))
        {
            throw new ArgumentException($"'{key}' is reserved by the gRPC protocol and cannot be used as custom metadata.", nameof(key));
        }
    }

    private static bool IsProtocolHeader(string name) =>
        name.StartsWith(':')
        || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-length", StringComparison.OrdinalIgnoreCase);
}
