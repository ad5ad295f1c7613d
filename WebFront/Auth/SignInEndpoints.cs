using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Input;

namespace TextGameGen.WebFront.Auth;

/// <summary>
/// Sign-in: a name (and, for game masters, the GM key) gives a cookie holding a new player id. The hub takes the
/// player's identity from this cookie only, never from method arguments. Sign-ins are limited per client address.
/// </summary>
public static class SignInEndpoints
{
    public const string GmRole = "gm";
    public const string GmKeyClaim = "tgg:gm-key";

    public sealed record SignInRequest(string? Name, string? GmKey);

    public sealed record Identity(string PlayerId, string Name, bool IsGm);

    public static void MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/signin", async (SignInRequest request, HttpContext http, GmKey gmKey) =>
        {
            // NFKC: full-width, ligature and other compatibility forms of a name become the plain letters.
            var name = PlayerInput.Normalize(request.Name ?? "").Normalize(NormalizationForm.FormKC);
            if (name.Length is 0 or > GameLimits.MaxNameChars) return Results.BadRequest(new { error = $"A name is 1 to {GameLimits.MaxNameChars} characters." });
            bool isGm = !string.IsNullOrEmpty(request.GmKey);
            if (isGm && !gmKey.Matches(request.GmKey)) return Results.Json(new { error = "Wrong game-master key." }, statusCode: StatusCodes.Status403Forbidden);
            var playerId = "p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, playerId), new(ClaimTypes.Name, name) };
            if (isGm) claims.AddRange([new Claim(ClaimTypes.Role, GmRole), new Claim(GmKeyClaim, gmKey.Fingerprint)]);
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = true });
            return Results.Ok(new Identity(playerId, name, isGm));
        }).RequireRateLimiting(SignInHosting.SignInPolicy);

        app.MapGet("/api/me", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true
            ? Results.Ok(new Identity(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.Identity.Name!, user.IsInRole(GmRole)))
            : Results.Unauthorized());

        app.MapPost("/api/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Ok();
        });
    }
}
