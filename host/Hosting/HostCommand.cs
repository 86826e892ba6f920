using System.CommandLine;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Configuration;
using ConnectorHost.Logging;

namespace ConnectorHost.Hosting;

/// <summary>Runs the root command with the host's exit codes: a command line that does not parse exits 2, not 1.</summary>
public static class HostCommand
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter stdout)
    {
        var result = root.Parse(args);
        try
        {
            if (result.Errors.Count > 0)
            {
                throw new ConfigurationException(string.Join(" ", result.Errors.Select(e => e.Message)));
            }

            // The host handles SIGTERM/SIGINT itself (drain, then exit 0); System.CommandLine must not.
            return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = stdout, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            using var logging = new HostLogging(stdout, new SecretRedactor());
            return HostApplication.ReportInvalidConfiguration(logging, e);
        }
    }
}
