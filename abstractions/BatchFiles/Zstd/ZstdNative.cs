using System.Runtime.InteropServices;

namespace ConnectorHost.Abstractions.BatchFiles.Zstd;

/// <summary>
/// The few libzstd streaming entry points we use. Debian ships only libzstd.so.1 (no unversioned symlink
/// without the -dev package), so the soname is named explicitly.
/// </summary>
internal static unsafe partial class ZstdNative
{
    private const string Library = "libzstd.so.1";

    [StructLayout(LayoutKind.Sequential)]
    internal struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    internal enum EndDirective
    {
        Continue = 0,
        Flush = 1,
        End = 2,
    }

    [LibraryImport(Library, EntryPoint = "ZSTD_createDStream")]
    internal static partial nint CreateDStream();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeDStream")]
    internal static partial nuint FreeDStream(nint stream);

    [LibraryImport(Library, EntryPoint = "ZSTD_initDStream")]
    internal static partial nuint InitDStream(nint stream);

    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    internal static partial nuint DecompressStream(ZstdDecompressionHandle stream, OutBuffer* output, InBuffer* input);

    [LibraryImport(Library, EntryPoint = "ZSTD_DStreamInSize")]
    internal static partial nuint DStreamInSize();

    [LibraryImport(Library, EntryPoint = "ZSTD_DStreamOutSize")]
    internal static partial nuint DStreamOutSize();

    [LibraryImport(Library, EntryPoint = "ZSTD_createCStream")]
    internal static partial nint CreateCStream();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeCStream")]
    internal static partial nuint FreeCStream(nint stream);

    [LibraryImport(Library, EntryPoint = "ZSTD_initCStream")]
    internal static partial nuint InitCStream(ZstdCompressionHandle stream, int compressionLevel);

    [LibraryImport(Library, EntryPoint = "ZSTD_compressStream2")]
    internal static partial nuint CompressStream2(ZstdCompressionHandle stream, OutBuffer* output, InBuffer* input, EndDirective endOp);

    [LibraryImport(Library, EntryPoint = "ZSTD_CStreamOutSize")]
    internal static partial nuint CStreamOutSize();

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    internal static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    internal static partial nint GetErrorName(nuint code);

    internal static bool Failed(nuint code) => IsError(code) != 0;

    internal static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(GetErrorName(code)) ?? "unknown zstd error";
}

/// <summary>Owns a ZSTD_DStream so it is freed even when the reader is abandoned.</summary>
internal sealed class ZstdDecompressionHandle : SafeHandle
{
    public ZstdDecompressionHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static ZstdDecompressionHandle Create()
    {
        var result = new ZstdDecompressionHandle();
        result.SetHandle(ZstdNative.CreateDStream());
        if (result.IsInvalid)
        {
            throw new OutOfMemoryException("libzstd could not allocate a decompression context.");
        }
        var code = ZstdNative.InitDStream(result.handle);
        if (ZstdNative.Failed(code))
        {
            result.Dispose();
            throw new InvalidOperationException($"libzstd could not initialise a decompression context: {ZstdNative.ErrorName(code)}");
        }
        return result;
    }

    protected override bool ReleaseHandle()
    {
        ZstdNative.FreeDStream(handle);
        return true;
    }
}

/// <summary>Owns a ZSTD_CStream (used by the test/benchmark batch-file writer).</summary>
internal sealed class ZstdCompressionHandle : SafeHandle
{
    public ZstdCompressionHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static ZstdCompressionHandle Create(int level)
    {
        var result = new ZstdCompressionHandle();
        result.SetHandle(ZstdNative.CreateCStream());
        if (result.IsInvalid)
        {
            throw new OutOfMemoryException("libzstd could not allocate a compression context.");
        }
        var code = ZstdNative.InitCStream(result, level);
        if (ZstdNative.Failed(code))
        {
            result.Dispose();
            throw new InvalidOperationException($"libzstd could not initialise a compression context: {ZstdNative.ErrorName(code)}");
        }
        return result;
    }

    protected override bool ReleaseHandle()
    {
        ZstdNative.FreeCStream(handle);
        return true;
    }
}
