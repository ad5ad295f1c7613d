namespace TextGameGen.Grains.Game;

/// <summary>Where players' ratings of passages are kept (the silo's SQLite database by default); read by <c>tgg feedback export</c>.</summary>
public interface IFeedbackStore
{
    Task AddAsync(PassageFeedback feedback);
}
