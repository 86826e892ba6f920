using Google.Protobuf;
using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Source;

/// <summary>
/// End to end: the host (same build configuration as this benchmark; run it with -c Release) serving ExampleSource,
/// one Update with the load knob at N table1 records, read by the in-repo client over loopback; prints records/s.
/// Issue 2 target: ≥ 500,000 records/s at N = 1,000,000.
/// Run: dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- update-stream [records=1000000] [runs=3]
/// </summary>
public sealed class UpdateStreamScenario : IScenario
{
    private const string Update = "/fivetran_sdk.v2.SourceConnector/Update";

    public string Name => "update-stream";

    public string Description => "ExampleSource Update with recordCount=N through the host over loopback: records/s end to end";

    public async Task<int> RunAsync(string[] args)
    {
        int records = ScenarioArguments.Number(args, 0, 1_000_000);
        int runs = ScenarioArguments.Number(args, 1, 3);

        await using var host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource" });
        using var client = new GrpcTestClient(host.SourcePort);
        Console.WriteLine($"host {RepoPaths.HostDll} ({RepoPaths.BuildConfiguration}), pid {host.ProcessId}, port {host.SourcePort}");

        await StreamAsync(client, 10_000); // warm-up: JIT, connection, pools
        var rates = new List<double>();
        for (int run = 1; run <= runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            long received = await StreamAsync(client, records);
            stopwatch.Stop();
            double rate = received / stopwatch.Elapsed.TotalSeconds;
            rates.Add(rate);
            Console.WriteLine($"run {run}: {received:N0} records in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} records/s");
        }

        rates.Sort();
        Console.WriteLine($"update-stream: N={records:N0}, median {rates[rates.Count / 2]:N0} records/s, best {rates[^1]:N0} records/s (target ≥ 500,000)");
        return 0;
    }

    /// <summary>Runs one sync and counts the records received; checks the stream ends with the expected checkpoint.</summary>
    private static async Task<long> StreamAsync(GrpcTestClient client, int table1Records)
    {
        var request = new UpdateRequest { StateJson = "{\"cursor\": 0}" };
        request.Configuration["recordCount"] = table1Records.ToString(CultureInfo.InvariantCulture);
        await using var call = await client.StartAsync(Update, request.ToByteArray());
        long received = 0;
        string? checkpoint = null;
        await foreach (var response in call.ReadAllAsync(UpdateResponse.Parser))
        {
            switch (response.OperationCase)
            {
                case UpdateResponse.OperationOneofCase.Records:
                    received += response.Records.Records_.Count;
                    break;
                case UpdateResponse.OperationOneofCase.Record:
                    received++;
                    break;
                case UpdateResponse.OperationOneofCase.Checkpoint:
                    checkpoint = response.Checkpoint.StateJson;
                    break;
            }
        }

        var outcome = call.Complete(received);
        string expected = $"{{\"cursor\": {table1Records + 3}}}";
        if (outcome.Status != StatusCode.OK || received != table1Records + 3 || checkpoint != expected)
        {
            throw new InvalidOperationException(
                $"Unexpected Update outcome: status {outcome.Status} '{outcome.Message}', {received} records, checkpoint {checkpoint} (expected {expected}).");
        }

        return received;
    }
}
