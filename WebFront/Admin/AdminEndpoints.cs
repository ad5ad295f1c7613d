using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.WebFront.Admin;

/// <summary>
/// Game-master-only figures of this front end: <c>GET /api/admin/acks</c> returns the acknowledgement times measured
/// since the last reset (every value, for exact percentiles across front ends); <c>?reset=true</c> starts a new window.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/acks", (AckTimes times, bool? reset) => Results.Ok(times.Read(reset == true)))
            .RequireAuthorization(policy => policy.RequireRole(SignInEndpoints.GmRole));
    }
}
