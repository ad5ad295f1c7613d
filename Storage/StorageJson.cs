using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextGameGen.Storage;

/// <summary>How grain state and sampler settings are written into the database: web defaults, enums by name, readable text.</summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
