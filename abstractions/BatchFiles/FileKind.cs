using System.Runtime.InteropServices;

namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>
/// What a path names, asked of the OS without opening it: opening a FIFO blocks until a writer comes, and reading a
/// device or a kernel pseudo-file (/proc, /sys) hands out whatever it produces. .NET reports none of this
/// (FileInfo calls a FIFO or /dev/zero a normal file), so on Linux it comes from statx(2) and realpath(3).
/// </summary>
internal static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private static readonly string[] PseudoFileSystems = ["/proc/", "/sys/", "/dev/"];

    /// <summary>Why the path is not a regular file to read ("a FIFO (named pipe)", ...), or null when it is one or does not exist.</summary>
    public static string? WhyNotARegularFile(string path)
    {
        if (Directory.Exists(path))
        {
            return "a directory";
        }
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return null; // missing or unreadable: the open that follows reports it
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a C library without statx (old musl): only directories are told apart
        }
        var kind = BitConverter.ToUInt16(buffer, StatxModeOffset) & 0xF000;
        var what = kind switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        if (what is not null)
        {
            return what;
        }
        var real = RealPath(path);
        return real is not null && PseudoFileSystems.Any(prefix => real.StartsWith(prefix, StringComparison.Ordinal))
            ? $"a kernel pseudo-file ({real[..(real.IndexOf('/', 1) + 1)]})"
            : null;
    }

    private static string? RealPath(string path)
    {
        IntPtr resolved;
        try
        {
            resolved = RealPathNative(path, IntPtr.Zero);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if (resolved == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
