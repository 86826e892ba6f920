using System.Text;

namespace ConnectorHost.Testing.Sync;

/// <summary>
/// The source's state between syncs, kept as the connector wrote it in its last accepted checkpoint
/// (<c>state.json</c>, like Fivetran's Connector SDK). Written to a temporary file and renamed, so a crash never
/// leaves half a state behind.
/// </summary>
public sealed class SyncState(string path)
{
    public string Path { get; } = path;

    public bool Exists => File.Exists(Path);

    /// <summary>The state JSON of the last accepted checkpoint, or null when there is none (a first sync).</summary>
    public string? Load() => File.Exists(Path) ? File.ReadAllText(Path, Encoding.UTF8) : null;

    public void Save(string stateJson)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, stateJson, new UTF8Encoding(false));
        File.Move(temporary, Path, overwrite: true);
    }

    public void Delete()
    {
        File.Delete(Path);
    }
}
