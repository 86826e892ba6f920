namespace ConnectorHost.Interop.Tests;

/// <summary>
/// Each interop case, per real client: the Python grpcio (C-core) and Node grpc-js suites run once against the
/// fixture's hosts; every case they report is one test here, so a failure names the client and the case.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ClientSuiteTests(InteropHosts hosts)
{
    private static readonly string[] CommonCases =
    [
        "source_configuration_form", "source_test", "source_schema", "source_update_exact_stream",
        "destination_configuration_form", "destination_capabilities", "destination_test", "destination_table_lifecycle",
        "destination_migrate", "empty_unary", "large_unary", "request_above_limit", "server_streaming_many",
        "status_code_and_message", "unimplemented_method", "unimplemented_service", "deadline_exceeded_on_slow_stream",
        "cancel_mid_stream", "gzip_request_and_response", "custom_metadata", "health_check",
    ];

    private static readonly string[] PythonOnlyCases = ["reflection_v1", "reflection_v1alpha"];

    private static readonly string[] NodeOnlyCases = ["reflection_buf_curl"];

    public static TheoryData<InteropClient, string> Cases()
    {
        var data = new TheoryData<InteropClient, string>();
        foreach (var name in CommonCases.Concat(PythonOnlyCases))
        {
            data.Add(InteropClient.PythonGrpcio, name);
        }

        foreach (var name in CommonCases.Concat(NodeOnlyCases))
        {
            data.Add(InteropClient.NodeGrpcJs, name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_passes(InteropClient client, string name)
    {
        var run = await hosts.RunAsync(client);
        Assert.True(run.Cases.TryGetValue(name, out var result),
            $"{run.ClientVersion} did not report case '{name}' (it reported: {string.Join(", ", run.Cases.Keys)}). Output:\n{run.Output}");
        Assert.True(result.Passed, $"{run.ClientVersion}, case {name}: {result.Detail}");
        if (SuiteRunner.CancellingCases.Contains(name))
        {
            Assert.True(run.CancelledCases.Contains(name),
                $"The probe plugin logged no cancellation for the {client} run's {name} call: the call ended but the plugin's token was not cancelled.");
        }
    }

    [Theory]
    [InlineData(InteropClient.PythonGrpcio)]
    [InlineData(InteropClient.NodeGrpcJs)]
    public async Task Suite_reports_no_unexpected_case_and_exits_cleanly(InteropClient client)
    {
        var run = await hosts.RunAsync(client);
        var expected = CommonCases.Concat(client == InteropClient.PythonGrpcio ? PythonOnlyCases : NodeOnlyCases).ToHashSet();
        var failures = run.Cases.Where(c => !c.Value.Passed).Select(c => $"{c.Key}: {c.Value.Detail}").ToList();
        Assert.True(failures.Count == 0, $"{run.ClientVersion} failures:\n{string.Join("\n", failures)}");
        Assert.Empty(run.Cases.Keys.Except(expected));
        Assert.Equal(0, run.ExitCode);
    }
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropHosts>
{
    public const string Name = "interop hosts";
}
