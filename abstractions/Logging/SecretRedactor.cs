using System.Collections.Concurrent;

namespace ConnectorHost.Abstractions.Logging;

/// <summary>
/// Remembers secret values (Password-field values seen in requests) and replaces them with <c>***</c> in any text.
/// Thread-safe; applied to every rendered log message before it is written.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    // Bounded so a long-running host that sees rotating credentials cannot grow without limit.
    private const int MaxSecrets = 4096;

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);
    private volatile string[] _ordered = [];

    public int Count => _secrets.Count;

    /// <summary>
    /// Values shorter than this are not masked: masking every "a" or "12" in every log line would make the logs
    /// unreadable while protecting nothing a one- or two-character password could protect.
    /// </summary>
    public const int MinimumSecretLength = 3;

    /// <summary>Registers a secret; values shorter than <see cref="MinimumSecretLength"/> are ignored.</summary>
    public void Register(string? secret)
    {
        if (secret is null || secret.Length < MinimumSecretLength || _secrets.ContainsKey(secret))
        {
            return;
        }

        if (_secrets.Count >= MaxSecrets)
        {
            _secrets.Clear();
        }

        var added = _secrets.TryAdd(secret, 0);
        // Serilog renders strings nested in structures with \ and " escaped: mask that spelling too.
        var escaped = secret.Replace("\\", "\\\\").Replace("\"", "\\\"");
        added |= escaped != secret && _secrets.TryAdd(escaped, 0);
        if (added)
        {
            // Longest first, so a secret containing another is masked whole.
            _ordered = _secrets.Keys.OrderByDescending(s => s.Length).ToArray();
        }
    }

    /// <summary>Returns <paramref name="text"/> with every registered secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string text)
    {
        var secrets = _ordered;
        if (secrets.Length == 0 || text.Length == 0)
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
