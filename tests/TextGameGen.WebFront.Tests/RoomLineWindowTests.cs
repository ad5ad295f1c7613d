using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Tests;

/// <summary>A room's lines are gathered longer the more players it has on the front end, within the configured bounds.</summary>
public sealed class RoomLineWindowTests
{
    [Theory]
    [InlineData(1, 100)]     // a small room: the shortest window
    [InlineData(50, 100)]    // 50 x 2 ms is the shortest window
    [InlineData(200, 400)]   // a crowd: 2 ms per player, so at most 500 sends a second from the room
    [InlineData(250, 500)]
    [InlineData(1000, 1000)] // never longer than the longest
    public void The_default_window_grows_by_two_milliseconds_a_player_between_100_ms_and_one_second(int players, double windowMs)
    {
        Assert.Equal(windowMs, new HostingOptions().RoomLineWindowFor(players));
    }

    [Fact]
    public void With_no_shortest_window_and_no_growth_each_batch_goes_at_once()
    {
        var options = new HostingOptions { RoomLineWindowMs = 0, RoomLineMsPerPlayer = 0 };
        Assert.Equal(0, options.RoomLineWindowFor(1_000));
    }

    [Fact]
    public void A_longest_window_below_the_shortest_leaves_the_shortest()
    {
        var options = new HostingOptions { RoomLineWindowMs = 300, RoomLineWindowMaxMs = 200 };
        Assert.Equal(300, options.RoomLineWindowFor(1));
        Assert.Equal(300, options.RoomLineWindowFor(1_000));
    }
}
