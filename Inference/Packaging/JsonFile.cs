using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TextGameGen.Inference.Packaging;

/// <summary>Typed JSON files (source-generated serialization): a file that is not valid JSON of the expected shape is an error naming it.</summary>
public static class JsonFile
{
    public static T Read<T>(string path, JsonTypeInfo<T> type)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.");
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new InvalidDataException($"'{path}' holds null, not a {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid {Path.GetFileName(path)}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a file.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(value, type));
        File.Move(temp, path, overwrite: true);
    }
}
