using System.Security.Cryptography;
using System.Text;

namespace GuardCluster.Silo.Hosting;

/// <summary>
/// The Orleans Dashboard shows grain ids (tenant and conversation names) and cluster internals, so it asks for the
/// admin key: as HTTP Basic password (browsers prompt for it; any user name) or as a Bearer token.
/// <c>Guard:Dashboard:Public=true</c> opens it, e.g. behind an authenticating proxy.
/// </summary>
public static class DashboardAuthentication
{
    public const string Prefix = "/dashboard";

    public static void UseDashboardAuthentication(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue<bool>("Guard:Dashboard:Public"))
        {
            return;
        }

        var adminKey = app.Configuration["Guard:AdminKey"] ?? string.Empty;
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                if (Presented(context.Request.Headers.Authorization.ToString()) is { } key && Matches(key, adminKey))
                {
                    await next(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"GuardCluster dashboard\", charset=\"UTF-8\"";
            }));
    }

    private static string? Presented(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static bool Matches(string presented, string expected) =>
        expected.Length > 0
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
