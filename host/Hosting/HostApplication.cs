using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Configuration;
using ConnectorHost.Dispatch;
using ConnectorHost.Health;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Reflection;
using ConnectorHost.Transport;
using FivetranSdk.V2;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace ConnectorHost.Hosting;

/// <summary>
/// The whole host: command line → plugins.json → plugins → dispatch services → Kestrel, then serve until a
/// shutdown signal, drain and exit. Built by hand (no generic host) to keep start-up fast and memory low.
/// </summary>
public static class HostApplication
{
    /// <summary>The start of the INFO line logged once the host accepts calls.</summary>
    public const string ReadyMessage = "ConnectorHost ready";

    /// <summary>How long cancelled calls get to send their status before their connections are closed.</summary>
    private static readonly TimeSpan AbortGracePeriod = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, HostLifecycle lifecycle)
    {
        CommandLine commandLine;
        HostConfiguration configuration;
        var redactor = new SecretRedactor();
        using var logging = new HostLogging(stdout, redactor);
        try
        {
            commandLine = CommandLine.Parse(args);
            if (commandLine.ShowHelp)
            {
                stdout.WriteLine(CommandLine.Usage);
                return ExitCodes.Ok;
            }

            var path = PluginsJsonLoader.Locate(commandLine.ConfigPath, Environment.CurrentDirectory, AppContext.BaseDirectory);
            configuration = PluginsJsonLoader.Load(path);
        }
        catch (ConfigurationException e)
        {
            logging.Root.Error("Invalid configuration: {Message} Run with --help for usage.", e.Message);
            Console.Error.WriteLine($"ConnectorHost: invalid configuration: {e.Message}");
            Console.Error.WriteLine("Run with --help for usage.");
            return ExitCodes.InvalidConfiguration;
        }

        using var signal = new ShutdownSignal();
        var hostLoggerFactory = logging.HostFactory();
        var ports = ServedPorts(configuration, commandLine.Port);

        // Kestrel binds on a second core while the plugins load on this one (start-up time is a benchmark target);
        // a request arriving before the plugins are ready waits for its route.
        var routes = new TaskCompletionSource<IReadOnlyDictionary<int, GrpcRequestHandler>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = CreateServer(ports, hostLoggerFactory, out var listeners);
        var listening = Task.Run(() => server.StartAsync(new GrpcHttpApplication(routes.Task), CancellationToken.None));

        var sides = LoadSides(configuration, commandLine.Port, logging, lifecycle, out var failures);
        if (failures > 0)
        {
            routes.TrySetException(new InvalidOperationException("The host is not serving: a plugin failed to load."));
            await StopQuietlyAsync(server, listening).ConfigureAwait(false);
            return ExitCodes.PluginLoadFailed;
        }

        try
        {
            await listening.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            routes.TrySetException(new InvalidOperationException("The host is not serving: it cannot listen."));
            logging.Root.Error("Cannot listen on port(s) {Ports}: {Reason}. Free the port or choose another with --port or in plugins.json.",
                string.Join(", ", ports), e.Message);
            Console.Error.WriteLine($"ConnectorHost: cannot listen on port(s) {string.Join(", ", ports)}: {e.Message}");
            return ExitCodes.StartupFailed;
        }

        // A configured port of 0 binds any free port: from here on each side is known by the port it actually got.
        var servedSides = (await Task.WhenAll(sides).ConfigureAwait(false))
            .Select(side => side with { Port = listeners[side.Port].IPEndPoint!.Port })
            .ToList();
        var handlers = new Dictionary<int, GrpcRequestHandler>();
        var descriptors = new Lazy<DescriptorIndex>(() => new DescriptorIndex(ServerReflectionService.DefaultFiles));
        foreach (var group in servedSides.GroupBy(side => side.Port))
        {
            var registry = new GrpcServiceRegistry();
            foreach (var side in group)
            {
                side.Register(registry);
            }

            ServerReflectionService.Register(registry, descriptors);
            HealthService.Register(registry, lifecycle);

            handlers[group.Key] = new GrpcRequestHandler(registry, new GrpcTransportOptions(), hostLoggerFactory.CreateLogger("ConnectorHost.Transport"));
        }

        routes.SetResult(handlers);
        lifecycle.MarkServing();
        foreach (var side in servedSides)
        {
            logging.For(side.Side).Information("Serving {Side} plugin {Plugin} {Version} as {Service} on port {Port}",
                side.Side.ConfigKey(), side.PluginName, side.PluginVersion, side.Side.ServiceName(), side.Port);
        }

        // The line scripts and the test fixture wait for: every side is loaded and every port accepts calls.
        logging.Root.Information("{Ready} on port(s) {Ports}", ReadyMessage, string.Join(", ", handlers.Keys.Order()));

        var received = await signal.Received.ConfigureAwait(false);
        lifecycle.BeginDraining();
        logging.Root.Information("Received {Signal}: no new calls; waiting up to {Seconds} s for in-flight calls", received, configuration.ShutdownTimeout.TotalSeconds);
        // Two phases: during the grace period in-flight calls may finish; then their plugins' tokens are cancelled so
        // each call still ends with a proper gRPC status (UNAVAILABLE); only calls that ignore their token past
        // AbortGracePeriod have their connections cut by Kestrel.
        using (var grace = new CancellationTokenSource(configuration.ShutdownTimeout))
        using (var hardStop = new CancellationTokenSource(configuration.ShutdownTimeout + AbortGracePeriod))
        using (grace.Token.Register(lifecycle.AbortInFlightCalls))
        {
            await server.StopAsync(hardStop.Token).ConfigureAwait(false);
        }

        lifecycle.MarkStopped();
        logging.Root.Information("ConnectorHost stopped");
        return ExitCodes.Ok;
    }

    private static IReadOnlyList<int> ServedPorts(HostConfiguration configuration, int? commonPort) =>
        new[] { (configuration.Source?.Port, ConnectorSide.Source), (configuration.Destination?.Port, ConnectorSide.Destination) }
            .Where(side => side.Item1 is not null)
            .Select(side => ListenKey(commonPort ?? side.Item1!.Value, commonPort is null, side.Item2))
            .Distinct()
            .Order()
            .ToList();

    // Sides on the same configured port share a listener, except port 0 in plugins.json: each side gets its own free port.
    private static int ListenKey(int port, bool perSide, ConnectorSide side) => port == 0 && perSide ? -1 - (int)side : port;

    private static KestrelServer CreateServer(IReadOnlyList<int> ports, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory,
        out Dictionary<int, ListenOptions> listeners)
    {
        var kestrelOptions = new KestrelServerOptions();
        KestrelGrpcDefaults.ConfigureServer(kestrelOptions);
        var byKey = new Dictionary<int, ListenOptions>();
        foreach (var port in ports)
        {
            kestrelOptions.ListenAnyIP(Math.Max(port, 0), listen =>
            {
                KestrelGrpcDefaults.ConfigureEndpoint(listen);
                byKey[port] = listen;
            });
        }

        listeners = byKey;

        return new KestrelServer(
            Options.Create(kestrelOptions),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory),
            loggerFactory);
    }

    private static async Task StopQuietlyAsync(KestrelServer server, Task listening)
    {
        try
        {
            await listening.ConfigureAwait(false);
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // Not listening (port taken): nothing to stop; the plugin failure is what gets reported.
        }
    }

    private static List<Task<ServedSide>> LoadSides(HostConfiguration configuration, int? commonPort, HostLogging logging, HostLifecycle lifecycle, out int failures)
    {
        var loader = new PluginLoader(configuration.PluginsDirectory, configuration.DataDirectory);
        var sides = new List<Task<ServedSide>>();
        failures = 0;
        if (configuration.Source is { } source)
        {
            try
            {
                var factory = logging.FactoryFor(ConnectorSide.Source);
                var plugin = loader.Load<ISourceConnector>(source.Plugin, ConnectorSide.Source, factory);
                sides.Add(PrepareAsync(plugin, ListenKey(commonPort ?? source.Port, commonPort is null, ConnectorSide.Source), logging, lifecycle, plugin.Connector.ConfigurationFormAsync,
                    runner => new SourceConnectorService(plugin.Connector, runner, factory).Register));
            }
            catch (PluginLoadException e)
            {
                ReportLoadFailure(logging, e);
                failures++;
            }
        }

        if (configuration.Destination is { } destination)
        {
            try
            {
                var plugin = loader.Load<IDestinationConnector>(destination.Plugin, ConnectorSide.Destination, logging.FactoryFor(ConnectorSide.Destination));
                sides.Add(PrepareAsync(plugin, ListenKey(commonPort ?? destination.Port, commonPort is null, ConnectorSide.Destination), logging, lifecycle, plugin.Connector.ConfigurationFormAsync,
                    runner => new DestinationConnectorService(plugin.Connector, runner).Register));
            }
            catch (PluginLoadException e)
            {
                ReportLoadFailure(logging, e);
                failures++;
            }
        }

        return sides;
    }

    private static void ReportLoadFailure(HostLogging logging, PluginLoadException e)
    {
        logging.For(e.Side).Error("{Message}", e.Message);
        Console.Error.WriteLine($"ConnectorHost: {e.Message}");
    }

    // Asks the plugin for its form once, to learn which configuration fields are passwords (never logged).
    private static async Task<ServedSide> PrepareAsync<TContract>(
        LoadedPlugin<TContract> plugin,
        int port,
        HostLogging logging,
        HostLifecycle lifecycle,
        Func<CancellationToken, Task<ConfigurationFormResponse>> configurationForm,
        Func<PluginCallRunner, Action<GrpcServiceRegistry>> register)
        where TContract : class
    {
        var logger = logging.For(plugin.Side);
        var passwords = PasswordFields.None;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            passwords = PasswordFields.FromForm(await configurationForm(timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            logger.Error("{Plugin} failed in ConfigurationForm at start-up ({Summary}); its Password fields are unknown, so their values cannot be masked in logs",
                plugin.Name, FivetranJsonFormatter.Summarise(e));
        }

        var runner = new PluginCallRunner(plugin.Name, logger, logging.Redactor, passwords, lifecycle);
        return new ServedSide(plugin.Side, plugin.Name, plugin.Version, port, register(runner));
    }
}
