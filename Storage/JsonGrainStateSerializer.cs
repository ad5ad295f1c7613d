using System.Text.Json;
using Orleans.Storage;

namespace TextGameGen.Storage;

/// <summary>Grain state as the same readable JSON in every store (the SQL tables and Redis): <see cref="StorageJson.Options"/>.</summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, StorageJson.Options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, StorageJson.Options) ?? throw new InvalidDataException($"Stored {typeof(T).Name} is null.");
}
