using System.Globalization;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Packaging.Tests;

/// <summary>
/// What a plugin author does, from a folder outside the repository: install the templates, create a source and a
/// destination, build and test them against the packages of this build (from a local feed), publish them into a
/// plugins folder and call them through the real host. No file is edited by hand.
/// </summary>
public sealed class TemplateTests
{
    private static readonly string[] PackedProjects =
    [
        "abstractions/ConnectorHost.Abstractions.csproj",
        "protos/ConnectorHost.Grpc/ConnectorHost.Grpc.csproj",
        "runtime/ConnectorHost.Runtime.csproj",
        "tests/ConnectorHost.Testing/ConnectorHost.Testing.csproj",
        "templates/ConnectorHost.Templates.csproj",
    ];

    [Fact]
    public async Task Both_templates_build_test_publish_and_answer_through_the_host()
    {
        using var outside = new OutsideTheRepo("templates");
        // A version no earlier run used, so NuGet's package cache cannot hand back an older build of the same packages.
        var version = "1.0.0-ci." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = outside.PathOf("feed");
        foreach (var project in PackedProjects)
        {
            await outside.RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, project), "-c", "Release", "-o", feed, $"-p:Version={version}", "--nologo"]);
        }

        var hive = outside.PathOf("template-hive");
        await outside.RunAsync("dotnet", ["new", "install", Path.Combine(feed, $"ConnectorHost.Templates.{version}.nupkg"), "--debug:custom-hive", hive]);
        var work = outside.PathOf("work");
        Directory.CreateDirectory(work);
        // The local feed beside the machine's usual sources, as an author adds one.
        File.WriteAllText(Path.Combine(work, "nuget.config"),
            $"<configuration><packageSources><add key=\"connectorhost-local\" value=\"{feed}\" /></packageSources></configuration>");
        await outside.RunAsync("dotnet", ["new", "connectorhost-source", "-n", "CsvSource", "--debug:custom-hive", hive], work);
        await outside.RunAsync("dotnet", ["new", "connectorhost-destination", "-n", "JsonLinesDestination", "--debug:custom-hive", hive], work);

        // The packages make each project a plugin: the generated tests pass, and the published folders hold no shared contract assembly.
        await outside.RunAsync("dotnet", ["test", "CsvSource.Tests"], Path.Combine(work, "CsvSource"));
        await outside.RunAsync("dotnet", ["test", "JsonLinesDestination.Tests"], Path.Combine(work, "JsonLinesDestination"));
        var plugins = outside.PathOf("plugins");
        await outside.RunAsync("dotnet", ["publish", "CsvSource", "-o", Path.Combine(plugins, "CsvSource")], Path.Combine(work, "CsvSource"));
        await outside.RunAsync("dotnet", ["build", "JsonLinesDestination", "-o", Path.Combine(plugins, "JsonLinesDestination")], Path.Combine(work, "JsonLinesDestination"));
        foreach (var shared in new[] { "ConnectorHost.Abstractions.dll", "Google.Protobuf.dll", "Microsoft.Extensions.Logging.Abstractions.dll" })
        {
            Assert.False(File.Exists(Path.Combine(plugins, "CsvSource", shared)), $"publish copied {shared}");
            Assert.False(File.Exists(Path.Combine(plugins, "JsonLinesDestination", shared)), $"build -o copied {shared}");
        }

        await using var host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = plugins, SourcePlugin = "CsvSource", DestinationPlugin = "JsonLinesDestination" });
        var schema = await host.SourceClient.SchemaAsync(new SchemaRequest());
        Assert.Equal("greetings", Assert.Single(schema.WithoutSchema.Tables).Name);
        var test = await host.DestinationClient.TestAsync(new TestRequest { Name = "write" });
        Assert.Equal(TestResponse.ResponseOneofCase.Success, test.ResponseCase);
    }
}
