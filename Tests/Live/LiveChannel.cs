using Crumbs.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crumbs.Tests.Live;

/// <summary>A person's live channel (/live) through the .NET SignalR client, with their session cookie.</summary>
public static class LiveChannel
{
    public static HubConnection Connect(UserSession person, Uri address, string? origin = null, bool skipNegotiation = false) =>
        new HubConnectionBuilder().WithUrl(new Uri(address, "/live"), options =>
        {
            options.Cookies = person.Cookies;
            if (origin is not null)
            {
                options.Headers["Origin"] = origin;
            }

            if (skipNegotiation)
            {
                options.SkipNegotiation = true;
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            }
        }).Build();

    /// <summary>The hub names its replica once the connection is set up, groups joined (Web/Live/LiveHub.cs).</summary>
    public static Task Ready(HubConnection connection)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>("replica", _ => ready.TrySetResult());
        return ready.Task;
    }
}
