using System.Text;
using TextGameGen.Contracts.Generation;

namespace TextGameGen.Grains.Game.Story;

/// <summary>Streaming one generation to the player's front ends, and telling a waiting player their place in line.</summary>
public sealed partial class PassageWriter
{
    /// <summary>Streams one generation, forwarding each piece to the front ends; returns the text, token count and final chunk.</summary>
    private async Task<(string Text, int Tokens, GenerationChunk Last)> StreamAsync(string turnId, GenerationRequest request, CancellationTokenSource cancel)
    {
        var text = new StringBuilder();
        int tokens = 0;
        var last = GenerationChunk.Ended(GenerationOutcome.Failed, "The generation ended without an outcome.");
        _inLine = true;
        try
        {
            await foreach (var chunk in generation.GenerateAsync(request, cancel.Token))
            {
                if (chunk.Place is { } place)
                {
                    host.Notify(new PlayerEvent(PlayerEventKind.Queued, host.PlayerId, turnId, PlaceInLine(place, chunk.WaitSeconds)));
                    continue;
                }
                _inLine = false;
                tokens = chunk.TokenCount;
                if (chunk.Text.Length > 0)
                {
                    text.Append(chunk.Text);
                    host.Notify(new PlayerEvent(PlayerEventKind.PassageDelta, host.PlayerId, turnId, chunk.Text));
                }
                if (chunk.IsFinal) last = chunk;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            last = GenerationChunk.Ended(GenerationOutcome.Cancelled, "Stopped.");
        }
        catch (Exception ex) when (SiloLoss.Is(ex))
        {
            last = GenerationChunk.Ended(GenerationOutcome.Lost, $"The server writing this passage went away ({ex.GetType().Name}); type retry to have it written again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The call timed out, or failed in itself: the passage ends, visibly, and can be retried.
            last = GenerationChunk.Ended(GenerationOutcome.Failed, $"The storyteller could not finish this passage ({ex.GetType().Name}); type retry.");
        }
        finally
        {
            _inLine = false;
        }
        return (text.ToString(), tokens, last);
    }

    /// <summary>"You are 12th in line, about 20 s."</summary>
    public static string PlaceInLine(int place, double? waitSeconds)
    {
        string ordinal = (place % 100) is 11 or 12 or 13 ? "th" : (place % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        string wait = waitSeconds is { } s ? $", about {Math.Max(1, Math.Round(s))} s" : "";
        return place == 1 ? $"The storyteller is busy: you are next{wait}." : $"The storyteller is busy: you are {place}{ordinal} in line{wait}.";
    }
}
