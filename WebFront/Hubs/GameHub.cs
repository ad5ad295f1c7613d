using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TextGameGen.Contracts.Generation;
using TextGameGen.Grains;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Input;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// The game's SignalR hub. Who is calling comes from the sign-in cookie (<see cref="HubCallerContext.UserIdentifier"/>),
/// never from arguments; text is normalised and its length checked here, before any grain sees it. Methods named Gm*
/// are for game masters only. Events (passages as they are written, others' actions, world events) arrive on the
/// client method "event".
/// </summary>
[Authorize]
public sealed class GameHub(IGrainFactory grains, PlayerEventRelay relay, ClientOutboxes outboxes, IOptions<GameOptions> game, GameMetrics metrics, IHostApplicationLifetime lifetime) : Hub
{
    public const string Path = "/hub";
    /// <summary>Largest message the hub accepts from a browser, in bytes.</summary>
    public const int MaxMessageBytes = 16 * 1024;
    /// <summary>A turn whose player was on a silo that just died is sent again this many times, a pause apart (about 15 s in all).</summary>
    private const int SiloLossAttempts = 16;
    private static readonly TimeSpan SiloLossPause = TimeSpan.FromSeconds(1);

    private string PlayerId => Context.UserIdentifier!;
    private string PlayerName => Context.User!.Identity!.Name!;
    private IPlayerGrain Player => grains.GetGrain<IPlayerGrain>(PlayerId);
    /// <summary>The world this connection joined (the default world until it joins one).</summary>
    private string WorldId => Context.Items.TryGetValue(WorldKey, out var w) && w is string id ? id : game.Value.DefaultWorld;
    private IWorldGrain World => grains.GetGrain<IWorldGrain>(WorldId);
    private const string WorldKey = "world";

    public sealed record WhoAmI(string PlayerId, string Name, bool IsGm, string World);

    public WhoAmI Me() => new(PlayerId, PlayerName, Context.User!.IsInRole(SignInEndpoints.GmRole), WorldId);

    /// <summary>Enters the world and returns the whole view; call again after a reconnect to fetch what was missed.</summary>
    public Task<PlayerView> Join() => JoinWorld(game.Value.DefaultWorld);

    /// <summary>Enters a world the sign-in page listed (<c>/api/worlds</c>); the story there is the player's own.</summary>
    public async Task<PlayerView> JoinWorld(string world)
    {
        var id = Clean(world, GameLimits.MaxRoomIdChars, "A world");
        var worlds = await grains.GetGrain<IWorldIndexGrain>(0).ListAsync();
        if (!worlds.Any(w => w.Id == id)) throw new HubException($"There is no world '{id}'. Worlds: {string.Join(", ", worlds.Select(w => w.Id))}.");
        Context.Items[WorldKey] = id;
        await relay.ConnectAsync(PlayerId, Context.ConnectionId);
        var view = await Player.JoinAsync(PlayerName, id);
        if (outboxes.TakeNotice(PlayerId) is { } why)
            outboxes.Send(PlayerId, new PlayerEvent(PlayerEventKind.Notice, PlayerId, Text: $"Your last connection was closed: {why}. Nothing stored was lost."));
        return view;
    }

    public Task<PlayerView> View() => Player.GetViewAsync();

    /// <summary>A page of the story before position <paramref name="beforeSeq"/> (the page's "earlier story" button), oldest first.</summary>
    public Task<EarlierStory> Earlier(int beforeSeq) => Player.GetEarlierStoryAsync(beforeSeq, EarlierPage);

    private const int EarlierPage = 50;

    /// <summary>One command with the client's turn id; the answer comes once the turn is stored. The same id twice is applied once.</summary>
    public async Task<TurnAck> Act(string turnId, string command)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var cleaned = Clean(command, game.Value.MaxCommandChars, "A command");
        TurnAck ack;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                ack = await Player.SubmitAsync(turnId ?? "", cleaned, relay.Observer);
                break;
            }
            catch (Exception ex) when ((SiloLoss.Is(ex) || ex is TimeoutException) && attempt < SiloLossAttempts && !Context.ConnectionAborted.IsCancellationRequested)
            {
                // The player's silo (or the gateway the call went through) just died: the cluster moves the player within
                // seconds; the same turn id sent again is applied once, so the player sees a slower answer, not an error.
                await Task.Delay(SiloLossPause, Context.ConnectionAborted);
            }
        }
        metrics.RecordAck(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds, ack.Accepted);
        return ack;
    }

    public override Task OnConnectedAsync()
    {
        metrics.Connected();
        return base.OnConnectedAsync();
    }

    public Task<ContextView> GetContext() => Player.GetContextAsync();

    public Task SetMemory(string memory, string authorsNote) =>
        Player.SetMemoryAsync(Clean(memory, game.Value.MaxMemoryChars, "Memory", lines: true, allowEmpty: true),
            Clean(authorsNote, game.Value.MaxMemoryChars, "The author's note", lines: true, allowEmpty: true));

    public async Task<bool> Rate(string turnId, int rating, string? comment) =>
        await Player.RateAsync(turnId ?? "", rating, Clean(comment ?? "", GameLimits.MaxCommentChars, "A comment", allowEmpty: true)) is not null;

    /// <summary>The model test pane (game masters only: raw prompts may hold story tokens): a prompt in, the text streamed out.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public async IAsyncEnumerable<string> TestPrompt(string prompt, float temperature, int maxTokens, int? seed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var text = Clean(prompt, GameLimits.MaxTestPromptChars, "A test prompt", lines: true);
        var sampler = game.Value.Sampler with { Temperature = temperature, MaxNewTokens = maxTokens, Seed = seed };
        if (sampler.Validate() is { } error) throw new HubException(error);
        await foreach (var chunk in Player.TestPromptAsync(text, sampler, cancellationToken))
        {
            if (chunk.Text.Length > 0) yield return chunk.Text;
            if (chunk.IsFinal && chunk.Outcome != GenerationOutcome.Completed) throw new HubException($"The model stopped: {chunk.Outcome}{(chunk.Error is null ? "" : ": " + chunk.Error)}");
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.Disconnected();
        // When the server is shutting down every connection closes at once: nobody is left to tell who went offline.
        if (!lifetime.ApplicationStopping.IsCancellationRequested) await relay.DisconnectAsync(PlayerId, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    // ---- game masters ----

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<WorldEvent> GmEvent(string text) => World.RaiseEventAsync(Clean(text, GameLimits.MaxEventChars, "An event"), PlayerName);

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<WorldEvent> GmAnnounce(string text) => World.AnnounceAsync(Clean(text, GameLimits.MaxEventChars, "An announcement"), PlayerName);

    /// <summary>The GM's server view: every model-serving silo's generators with their live figures, and this front end's connections.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public async Task<ServerView> GmServer()
    {
        var silos = await grains.GetGrain<Silo.Generation.IGeneratorDirectoryGrain>(0).GetAsync();
        return new ServerView(Environment.MachineName + ":" + Environment.ProcessId, metrics.Connections, DateTime.UtcNow,
            [.. silos.OrderBy(s => s.Silo.ToString(), StringComparer.Ordinal).Select(s => new SiloView(s.Silo.ToString(), s.ReportedUtc, [.. s.Generators.Select(GeneratorView.Of)]))]);
    }

    /// <summary>Creates or redefines a room. <paramref name="exits"/>: "north=square, east=tavern"; items and people: comma-separated.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task GmCreateRoom(string id, string name, string? description, string? exits, string? items, string? npcs)
    {
        var exitMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in List(exits))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[0].Length == 0) throw new HubException($"An exit is written direction=room-id; got '{part}'.");
            exitMap[kv[0]] = kv[1];
        }
        return World.CreateRoomAsync(new RoomSpec(Clean(id, GameLimits.MaxRoomIdChars, "A room id"), Clean(name, GameLimits.MaxRoomNameChars, "A room name"),
            Clean(description ?? "", GameLimits.MaxEventChars, "A description", allowEmpty: true), exitMap, List(items), List(npcs)));
    }

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task GmDescribeRoom(string roomId, string description) =>
        World.DescribeRoomAsync(Clean(roomId, GameLimits.MaxRoomIdChars, "A room id"), Clean(description, GameLimits.MaxEventChars, "A description"));

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<bool> GmRemovePlayer(string playerId) => World.RemovePlayerAsync(Clean(playerId, GameLimits.MaxPlayerIdChars, "A player id"), PlayerName);

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<IReadOnlyDictionary<string, string>> GmPlayers() => World.GetPlayersAsync();

    /// <summary>The generators the server writes with (name: version), to bind a new world to.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<IReadOnlyDictionary<string, string>> GmGenerators() => grains.GetGrain<IGenerationGrain>(0).GetGeneratorsAsync();

    /// <summary>Creates a world from a template world (its rooms, memory, author's note), written by the generator named.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public async Task<WorldSummary> GmCreateWorld(string id, string title, string template, string generator)
    {
        var worldId = Clean(id, GameLimits.MaxRoomIdChars, "A world id");
        if (!WorldIds.IsValid(worldId)) throw new HubException("A world id is 1-48 lowercase letters, digits and '-'.");
        var generators = await grains.GetGrain<IGenerationGrain>(0).GetGeneratorsAsync();
        var name = Clean(generator, GameLimits.MaxRoomIdChars, "A generator");
        if (!generators.ContainsKey(name)) throw new HubException($"No generator '{name}' is served. Generators: {string.Join(", ", generators.Keys)}.");
        var basis = await grains.GetGrain<IWorldGrain>(Clean(template, GameLimits.MaxRoomIdChars, "A template world")).GetDefinitionAsync();
        var definition = basis with { Id = worldId, Title = Clean(title, GameLimits.MaxRoomNameChars, "A title"), Generator = name, SamplerPreset = null };
        if (!await grains.GetGrain<IWorldGrain>(worldId).CreateAsync(definition)) throw new HubException($"World '{worldId}' exists already.");
        return definition.Summary;
    }

    /// <summary>Reads this world's definition file again (after an edit) and applies it.</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public async Task<WorldSummary> GmReloadWorld() => (await World.ReloadAsync()).Summary;

    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<IReadOnlyList<string>> GmRooms() => World.GetRoomsAsync();

    /// <summary>The context a player's next passage would get (the GM's context view).</summary>
    [Authorize(Roles = SignInEndpoints.GmRole)]
    public Task<ContextView> GmPlayerContext(string playerId) => grains.GetGrain<IPlayerGrain>(Clean(playerId, GameLimits.MaxPlayerIdChars, "A player id")).GetContextAsync();

    // ---- input ----

    private static string Clean(string? text, int maxChars, string what, bool lines = false, bool allowEmpty = false)
    {
        var clean = PlayerInput.Normalize(text ?? "", lines);
        if (clean.Length == 0 && !allowEmpty) throw new HubException($"{what} is empty.");
        if (clean.Length > maxChars) throw new HubException($"{what} is {clean.Length} characters; the most is {maxChars}.");
        return clean;
    }

    private static List<string> List(string? csv) =>
        [.. (csv ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => PlayerInput.Normalize(s)).Where(s => s.Length > 0)];
}
