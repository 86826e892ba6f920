using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ConnectorHost.Reflection;

/// <summary>
/// The .proto files the host can describe, found from the generated types' file descriptors and all their
/// dependencies: lookups by file name and by fully-qualified symbol (service, method, message, nested type, enum).
/// </summary>
public sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<FileDescriptor> roots)
    {
        foreach (var root in roots)
        {
            AddFile(root);
        }
    }

    public bool TryFindFile(string fileName, out FileDescriptor file) => _files.TryGetValue(fileName, out file!);

    public bool TryFindSymbol(string fullName, out FileDescriptor file) =>
        _symbols.TryGetValue(fullName.StartsWith('.') ? fullName[1..] : fullName, out file!);

    public bool IsMessageType(string fullName) => _messageTypes.Contains(fullName.StartsWith('.') ? fullName[1..] : fullName);

    /// <summary>The file's serialized FileDescriptorProto followed by those of its dependencies (each once).</summary>
    public IReadOnlyList<ByteString> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<ByteString>();
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Name))
            {
                continue;
            }

            ordered.Add(next.SerializedData);
            foreach (var dependency in next.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return ordered;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var service in file.Services)
        {
            _symbols[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                _symbols[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumeration in file.EnumTypes)
        {
            _symbols[enumeration.FullName] = file;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        _symbols[message.FullName] = file;
        _messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            _symbols[field.FullName] = file;
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumeration in message.EnumTypes)
        {
            _symbols[enumeration.FullName] = file;
        }
    }
}
