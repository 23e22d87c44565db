using GuardCluster.Gateway.Health;
using GuardCluster.Gateway.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuardCluster.Gateway.Apis;

/// <summary>
/// <c>/healthz</c>: 200 once the host can classify (model loaded and silo active, or cluster connected), else 503.
/// <c>/readyz</c>: the same check, and also 503 while the host is shutting down so load balancers drain it first.
/// <c>/livez</c>: 200 whenever the process serves HTTP, whatever the model or cluster state (a container liveness
/// probe: restarting a silo that is still loading its model would never let it finish).
/// All are anonymous and touch no grain. A host that registered no <see cref="IGuardReadiness"/> is never ready.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", Healthz).WithTags("Health").WithName("getHealth").Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/readyz", Readyz).WithTags("Health").WithName("getReadiness").Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/livez", Livez).WithTags("Health").WithName("getLiveness");
        return app;
    }

    /// <summary>Whether this host can classify.</summary>
    /// <remarks>200 <c>ready</c> once the model is loaded and the silo active (or the cluster connected), else 503 <c>unavailable</c> with the reason.</remarks>
    internal static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Healthz(IServiceProvider services) => Check(services, checkStopping: false);

    /// <summary>Whether this host should receive traffic.</summary>
    /// <remarks>Like <c>/healthz</c>, and also 503 while the host is shutting down, so load balancers drain it first.</remarks>
    internal static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Readyz(IServiceProvider services) => Check(services, checkStopping: true);

    /// <summary>Whether the process serves HTTP.</summary>
    /// <remarks>200 whatever the model or cluster state: a container liveness probe that never restarts a silo still loading its model.</remarks>
    internal static Ok<HealthResponse> Livez() => TypedResults.Ok(new HealthResponse("alive", "serving HTTP"));

    private static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Check(IServiceProvider services, bool checkStopping)
    {
        var readiness = services.GetService<IGuardReadiness>();
        var stopping = checkStopping && services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        var (ready, reason) = readiness switch
        {
            null => (false, "no readiness probe registered by the host"),
            _ when stopping => (false, "shutting down"),
            _ => (readiness.IsReady, readiness.Reason),
        };

        return ready
            ? TypedResults.Ok(new HealthResponse("ready", reason))
            : TypedResults.Json(new HealthResponse("unavailable", reason), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
