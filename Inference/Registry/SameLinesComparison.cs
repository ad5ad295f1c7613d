namespace TextGameGen.Inference.Registry;

/// <summary>
/// A candidate's and production's perplexity measured on the same lines in one run. The registry's gate compares the
/// dev perplexities recorded with each version, which were measured on each version's own dev split; when the corpus
/// changed between them (more books), those are different lines, and this comparison is the one that counts.
/// </summary>
/// <param name="Candidate">The candidate's perplexity on the lines.</param>
/// <param name="Production">Production's perplexity on the same lines.</param>
/// <param name="Data">What the lines are, for the decision's message ("321 held-out dev lines of v1's corpus").</param>
public sealed record SameLinesComparison(double Candidate, double Production, string Data);
