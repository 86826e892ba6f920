using System.Text;

namespace ConnectorHost.Plugins;

/// <summary>
/// What a plugin folder holds (every file's relative path, length and last write time): equal fingerprints taken before
/// and after a load mean the load saw one settled build, not a folder half-way through being written.
/// </summary>
internal sealed class FolderFingerprint : IEquatable<FolderFingerprint>
{
    public static readonly FolderFingerprint None = new(string.Empty);

    private readonly string _text;

    private FolderFingerprint(string text)
    {
        _text = text;
    }

    public static FolderFingerprint Take(string folder)
    {
        var text = new StringBuilder();
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
            {
                text.Append(Path.GetRelativePath(folder, file.FullName)).Append('|').Append(file.Length).Append('|')
                    .Append(file.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Files come and go while a build writes: a fingerprint that differs from the next one is all that matters.
            text.Append("unreadable:").Append(e.Message);
        }

        return new FolderFingerprint(text.ToString());
    }

    public bool Equals(FolderFingerprint? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as FolderFingerprint);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _text;
}
