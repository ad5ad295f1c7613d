using System.Text;

namespace TextGameGen.Grains.Game.Rules;

/// <summary><c>look</c>: the room, its exits, items, people and players (answered by the game, no model).</summary>
public sealed record LookCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Look;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        context.Answer(Describe(await context.Room.GetViewAsync()));
        return null;
    }

    public static string Describe(RoomView room) => new StringBuilder().Append(room.Name).Append(". ").Append(room.Description)
        .Append(RuleContext.Listing("Exits", [.. room.Exits.Keys])).Append(RuleContext.Listing("You see", room.Items))
        .Append(RuleContext.Listing("Here", room.Npcs)).Append(RuleContext.Listing("Players", room.Present)).ToString();
}

/// <summary><c>go &lt;exit&gt;</c>: the player leaves the room through an exit and enters the room behind it.</summary>
public sealed record GoCommand(string Exit) : GameCommand
{
    public override TurnKind Kind => TurnKind.Go;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        var from = context.Room;
        var here = await from.GetViewAsync();
        var exit = RuleContext.Match(Exit, here.Exits.Keys);
        if (exit is null) return $"You can't go '{Exit}'. Exits: {string.Join(", ", here.Exits.Keys)}.";
        string fromId = context.State.RoomId, toId = here.Exits[exit];
        await from.LeaveAsync(context.PlayerId);
        context.OnRollback(() => from.EnterAsync(context.PlayerId, context.PlayerName, context.FrontEnds));
        context.State.RoomId = toId;
        context.OnRollback(() => context.State.RoomId = fromId);
        var to = context.RoomOf(toId);
        var there = await to.EnterAsync(context.PlayerId, context.PlayerName, context.FrontEnds);
        context.OnRollback(() => to.LeaveAsync(context.PlayerId));
        context.Turn.PromptLine = RuleContext.Narration($"You go {exit} to {there.Name}.");
        context.Answer(LookCommand.Describe(there));
        return null;
    }
}

/// <summary><c>take &lt;item&gt;</c>: an item moves from the room to the player's inventory.</summary>
public sealed record TakeCommand(string Item) : GameCommand
{
    public override TurnKind Kind => TurnKind.Take;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        var room = context.Room;
        var here = await room.GetViewAsync();
        var item = RuleContext.Match(Item, here.Items);
        if (item is null || !await room.TakeAsync(item)) return $"There is no '{Item}' here." + RuleContext.Listing("You see", here.Items);
        context.OnRollback(() => room.DropAsync(item));
        context.State.Inventory.Add(item);
        context.OnRollback(() => context.State.Inventory.Remove(item));
        context.Turn.PromptLine = RuleContext.Narration($"You take the {item}.");
        context.Answer($"You take the {item}.");
        return null;
    }
}

/// <summary><c>drop &lt;item&gt;</c>: an item moves from the player's inventory to the room.</summary>
public sealed record DropCommand(string Item) : GameCommand
{
    public override TurnKind Kind => TurnKind.Drop;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        var inventory = context.State.Inventory;
        var item = RuleContext.Match(Item, inventory);
        if (item is null) return $"You don't carry '{Item}'." + RuleContext.Listing("You carry", inventory);
        int index = inventory.IndexOf(item);
        inventory.RemoveAt(index);
        context.OnRollback(() => inventory.Insert(index, item));
        var room = context.Room;
        await room.DropAsync(item);
        context.OnRollback(async () => await room.TakeAsync(item));
        context.Turn.PromptLine = RuleContext.Narration($"You drop the {item}.");
        context.Answer($"You drop the {item}.");
        return null;
    }
}

/// <summary><c>inventory</c>: what the player carries.</summary>
public sealed record InventoryCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Inventory;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        var inventory = context.State.Inventory;
        context.Answer(inventory.Count == 0 ? "You carry nothing." : $"You carry: {string.Join(", ", inventory)}.");
        return Task.FromResult<string?>(null);
    }
}
