using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Google.Protobuf;

namespace SqliteDestination.Tests.Support;

/// <summary>
/// Entry point of this assembly when run as a child process by the crash test:
/// <c>crash-writer &lt;data dir&gt; &lt;batch file&gt; &lt;base64 key&gt;</c> writes one replace file into tester.crash.
/// (The test runner itself never calls Main.)
/// </summary>
public static class CrashWriterProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 4 || args[0] != "crash-writer")
        {
            Console.Error.WriteLine("usage: crash-writer <data dir> <batch file> <base64 key>");
            return 2;
        }

        var connector = new SqliteDestinationConnector(new PluginContext("SqliteDestination", args[1], args[1], new ConsoleLoggerFactory()));
        var request = new WriteBatchRequest { SchemaName = DestinationHarness.Schema, Table = CrashTable(), FileParams = ConnectorHost.Testing.BatchFiles.BatchFileWriter.Params() };
        // A small page cache makes SQLite spill uncommitted pages into the WAL early: the hard case for recovery.
        request.Configuration["cache_size_mb"] = "1";
        request.ReplaceFiles.Add(args[2]);
        request.Keys[args[2]] = ByteString.FromBase64(args[3]);
        Console.WriteLine("started");
        await connector.WriteBatchAsync(request, default);
        Console.WriteLine("committed");
        return 0;
    }

    public static Table CrashTable() => DestinationHarness.Table("crash",
        DestinationHarness.Col("id", DataType.Long, pk: true), DestinationHarness.Col("note", DataType.String));
}
