namespace TextGameGen.Grains.Game;

/// <summary>Where players' ratings of passages are kept (the game's database); read by <c>tgg feedback export</c>.</summary>
public interface IFeedbackStore
{
    Task AddAsync(PassageFeedback feedback);

    /// <summary>Each passage's latest rating, oldest first.</summary>
    IAsyncEnumerable<PassageFeedback> ReadLatestAsync(CancellationToken cancellationToken = default);
}
