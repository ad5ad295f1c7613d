using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace TextGameGen.WebFront.Auth;

/// <summary>Cookie sign-in: the cookie, the GM key, and a limit on sign-ins per client address.</summary>
public static class SignInHosting
{
    public const string CookieName = "tgg.player";
    public const string SignInPolicy = "signin";

    /// <summary>Sign-in with this GM key (empty: a random one for this run) and at most <paramref name="signInsPerMinute"/> sign-ins per client address.</summary>
    public static WebApplicationBuilder AddGameSignIn(this WebApplicationBuilder builder, string gmKeyValue, int signInsPerMinute)
    {
        var gmKey = gmKeyValue.Length > 0 ? new GmKey(gmKeyValue) : GmKey.CreateRandom();
        builder.Services.AddSingleton(gmKey);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromDays(30);
            options.SlidingExpiration = true;
            // An API: answer 401/403 instead of redirecting to a login page.
            options.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            options.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            // A GM cookie made under another key is refused: changing the key revokes every GM sign-in.
            options.Events.OnValidatePrincipal = c =>
            {
                if (c.Principal?.IsInRole(SignInEndpoints.GmRole) == true && c.Principal.FindFirstValue(SignInEndpoints.GmKeyClaim) != gmKey.Fingerprint)
                    c.RejectPrincipal();
                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }
}
