using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextGameGen.Pipeline.Feedback;

/// <summary>feedback.jsonl: one record per line, camelCase keys, text kept readable.</summary>
[JsonSerializable(typeof(FeedbackRow))]
internal sealed partial class FeedbackJson : JsonSerializerContext
{
    public static FeedbackJson Lines { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
