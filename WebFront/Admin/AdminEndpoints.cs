using Orleans.Dashboard;
using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.WebFront.Admin;

/// <summary>
/// Game-master-only figures of this front end: <c>GET /api/admin/acks</c> returns the acknowledgement times measured
/// since the last reset (every value, for exact percentiles across front ends); <c>?reset=true</c> starts a new window.
/// <c>/dashboard</c> is the Orleans dashboard.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>The Orleans dashboard (grains, silos, calls), for GMs only.</summary>
    public const string DashboardPath = "/dashboard";

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/acks", (AckTimes times, bool? reset) => Results.Ok(times.Read(reset == true)))
            .RequireAuthorization(policy => policy.RequireRole(SignInEndpoints.GmRole));
        app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(policy => policy.RequireRole(SignInEndpoints.GmRole));
    }
}
