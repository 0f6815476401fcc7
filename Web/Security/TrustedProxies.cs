using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Crumbs.Web.Security;

/// <summary>
/// The client address that the limits count by. Behind an ingress it is the address the ingress saw, taken from
/// X-Forwarded-For only when the connection comes from a proxy named in Crumbs:TrustedProxies (addresses or CIDR
/// networks). With none named, which is the default, forwarded headers are ignored and a client cannot forge one.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "Crumbs:TrustedProxies";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(Section).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = null;            // walk back through every proxy we trust, stop at the first we don't
            options.KnownProxies.Clear();           // the framework trusts loopback by default; we trust only what is named
            options.KnownIPNetworks.Clear();
            foreach (var entry in trusted)
            {
                if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(entry, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else
                {
                    throw new InvalidOperationException($"{Section}: '{entry}' is neither an IP address nor a CIDR network.");
                }
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it sees the real client.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
