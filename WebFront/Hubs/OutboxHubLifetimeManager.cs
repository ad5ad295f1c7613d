using Microsoft.AspNetCore.SignalR;

namespace TextGameGen.WebFront.Hubs;

/// <summary>SignalR's own lifetime manager for the game hub, which also opens and closes each connection's <see cref="ClientOutboxes">outbox</see>.</summary>
public sealed class OutboxHubLifetimeManager(ClientOutboxes outboxes, ILogger<DefaultHubLifetimeManager<GameHub>> logger)
    : DefaultHubLifetimeManager<GameHub>(logger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        outboxes.Open(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        outboxes.Close(connection);
        await base.OnDisconnectedAsync(connection);
    }
}
