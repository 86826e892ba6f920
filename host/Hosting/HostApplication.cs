using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Configuration;
using ConnectorHost.Dispatch;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Serving;
using FivetranSdk.V2;

namespace ConnectorHost.Hosting;

/// <summary>
/// The serve command: plugins.json → one Kestrel listener per configured port (bound while the plugins load) → dispatch
/// to the plugins, then serve until SIGTERM/SIGINT, drain within the shutdown timeout and exit.
/// </summary>
public static class HostApplication
{
    /// <summary>The start of the INFO line logged once the host accepts calls.</summary>
    public const string ReadyMessage = "ConnectorHost ready";

    /// <summary>How long cancelled calls get to send their status (UNAVAILABLE) before their connections are closed.</summary>
    public static readonly TimeSpan AbortGracePeriod = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(CommandLine commandLine, TextWriter stdout, HostLifecycle lifecycle)
    {
        var redactor = new SecretRedactor();
        using var logging = new HostLogging(stdout, redactor, commandLine.LogLevel);
        HostConfiguration configuration;
        try
        {
            var path = PluginsJsonLoader.Locate(commandLine.ConfigPath, Environment.CurrentDirectory, AppContext.BaseDirectory);
            configuration = PluginsJsonLoader.Load(path, commandLine.Overrides);
        }
        catch (ConfigurationException e)
        {
            return ReportInvalidConfiguration(logging, e);
        }

        using var signal = new ShutdownSignal();
        if (configuration.Source is null)
        {
            logging.UseOriginOf(ConnectorSide.Destination);
        }

        // A plugin's Console.WriteLine must not break the one-JSON-object-per-line stdout Fivetran reads.
        PluginConsoleCapture.Install(logging.Root, configuration.Source is null ? ConnectorSide.Destination : ConnectorSide.Source);
        using var sides = new ServedSides(configuration, commandLine.Port, logging, lifecycle);

        // Kestrel binds on another core while the plugins load on this one (start-up time is a benchmark target);
        // a call arriving before its plugin is ready waits for it.
        // The one application serving every port is built and started on the thread pool.
        var server = sides.CreateServer(configuration.ShutdownTimeout + AbortGracePeriod);
        var listening = Task.Run(() => server.StartAsync());

        if (!sides.LoadPlugins())
        {
            await StopQuietlyAsync(server, listening).ConfigureAwait(false);
            return ExitCodes.PluginLoadFailed;
        }

        // Each plugin's form (which fields are passwords, never logged) is read here while the server still starts.
        var learningPasswordFields = sides.LearnPasswordFieldsAsync();
        try
        {
            await listening.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            var ports = string.Join(", ", server.Ports.Select(p => p.RequestedPort));
            logging.Root.Error("Cannot listen on port(s) {Ports}: {Reason}. Free the port or choose another with --port or in plugins.json.",
                ports, e.Message);
            HostConsole.StandardError.WriteLine($"ConnectorHost: cannot listen on port(s) {ports}: {e.Message}");
            await learningPasswordFields.ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.StartupFailed;
        }

        await learningPasswordFields.ConfigureAwait(false);
        lifecycle.MarkServing();
        sides.LogServing();
        // The line scripts and the test fixture wait for: every side is loaded and every port accepts calls.
        logging.Root.Information("{Ready} on port(s) {Ports}", ReadyMessage, string.Join(", ", server.Ports.Select(p => p.BoundPort).Order()));

        var received = await signal.Received.ConfigureAwait(false);
        lifecycle.BeginDraining();
        logging.Root.Information("Received {Signal}: no new calls; waiting up to {Seconds} s for in-flight calls", received, configuration.ShutdownTimeout.TotalSeconds);
        // Two phases: during the grace period in-flight calls may finish; then their plugins' tokens are cancelled so
        // each call still ends with a proper gRPC status (UNAVAILABLE); only calls that ignore their token past
        // AbortGracePeriod have their connections cut (the applications' shutdown timeout).
        using (var grace = new CancellationTokenSource(configuration.ShutdownTimeout))
        using (grace.Token.Register(lifecycle.AbortInFlightCalls))
        {
            await server.StopAsync().ConfigureAwait(false);
        }

        await server.DisposeAsync().ConfigureAwait(false);
        lifecycle.MarkStopped();
        logging.Root.Information("ConnectorHost stopped");
        return ExitCodes.Ok;
    }

    public static int ReportInvalidConfiguration(HostLogging logging, ConfigurationException e)
    {
        logging.Root.Error("Invalid configuration: {Message} Run with --help for usage.", e.Message);
        HostConsole.StandardError.WriteLine($"ConnectorHost: invalid configuration: {e.Message}");
        HostConsole.StandardError.WriteLine("Run with --help for usage.");
        return ExitCodes.InvalidConfiguration;
    }

    private static async Task StopQuietlyAsync(PortServer server, Task listening)
    {
        try
        {
            await listening.ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // Not listening (port taken): nothing to stop; the plugin failure is what gets reported.
        }

        await server.DisposeAsync().ConfigureAwait(false);
    }
}
