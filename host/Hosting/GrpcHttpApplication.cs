using ConnectorHost.Transport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ConnectorHost.Hosting;

/// <summary>
/// Kestrel's application without the generic host: each request goes to the gRPC handler of the port it arrived on
/// (a port serves the contracts configured for it).
/// </summary>
public sealed class GrpcHttpApplication(Task<IReadOnlyDictionary<int, GrpcRequestHandler>> routes) : IHttpApplication<HttpContext>
{
    public GrpcHttpApplication(IReadOnlyDictionary<int, GrpcRequestHandler> handlersByPort)
        : this(Task.FromResult(handlersByPort))
    {
    }

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public Task ProcessRequestAsync(HttpContext context) =>
        routes.IsCompletedSuccessfully ? Route(routes.Result, context) : RouteWhenReadyAsync(context);

    // Only requests that arrive while the plugins are still loading (Kestrel is started in parallel) take this path.
    private async Task RouteWhenReadyAsync(HttpContext context) => await Route(await routes.ConfigureAwait(false), context).ConfigureAwait(false);

    private static Task Route(IReadOnlyDictionary<int, GrpcRequestHandler> handlersByPort, HttpContext context)
    {
        if (handlersByPort.TryGetValue(context.Connection.LocalPort, out var handler))
        {
            return handler.HandleAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }
}
