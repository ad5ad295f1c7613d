using Microsoft.AspNetCore.HttpOverrides;

namespace TextGameGen.WebFront.Hosting;

/// <summary>
/// What every response carries: a content-security policy (scripts, styles and connections from this origin only;
/// no inline script), no MIME sniffing, no referrer; HSTS outside development. Requests forwarded by a TLS proxy on
/// this machine count as HTTPS (so cookies are Secure and HSTS is sent).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>HSTS for every host name outside development (a deployment behind a TLS proxy has no "localhost" to exclude).</summary>
    public static WebApplicationBuilder AddGameSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddHsts(o => o.ExcludedHosts.Clear());
        return builder;
    }

    public static WebApplication UseGameSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        return app;
    }
}
