using ConnectorHost.Tests.Support;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>Values of the plugin's Password fields never reach stdout, even when the plugin logs its whole configuration.</summary>
[Collection(ProbeHostCollection.Name)]
public sealed class PasswordRedactionTests(ProbeHostFixture host)
{
    [Fact]
    public async Task Password_and_conditional_password_values_are_masked_when_the_plugin_logs_its_configuration()
    {
        const string password = "hunter2-s3cr3t-source";
        const string token = "tok-\"quoted\"-9876";
        await Rpc.Unary(() => host.Host.SourceClient.TestAsync(new TestRequest
        {
            Name = "connect",
            Configuration = { ["behaviour"] = "log-config", ["host"] = "db.example.com", ["password"] = password, ["apiToken"] = token },
        }));

        var line = await host.LogContainingAsync("db.example.com");
        Assert.Contains("***", line.Message);
        Assert.DoesNotContain(host.Host.Logs, l => l.Raw.Contains("hunter2", StringComparison.Ordinal) || l.Raw.Contains("tok-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Password_in_an_error_message_is_masked_in_the_status_and_the_log()
    {
        const string password = "pa55-in-error-message";
        var result = await Rpc.Unary(() => host.Host.DestinationClient.TestAsync(new TestRequest
        {
            Name = "connect",
            Configuration = { ["password"] = password, ["behaviour"] = "plain-error", ["message"] = $"login refused for password {password} marker-77" },
        }));

        Assert.DoesNotContain(password, result.Message);
        Assert.Contains("login refused for password *** marker-77", result.Message);
        await host.LogContainingAsync("marker-77");
        Assert.DoesNotContain(host.Host.Logs, l => l.Raw.Contains(password, StringComparison.Ordinal));
    }
}
