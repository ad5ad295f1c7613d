using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextGameGen.WebFront.Hubs;

/// <summary>The hub's wire format, shared by the server and every .NET client: enums as kebab-case names ("passage-start", "pending").</summary>
public static class HubJson
{
    public static void Configure(JsonSerializerOptions options) => options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
}
