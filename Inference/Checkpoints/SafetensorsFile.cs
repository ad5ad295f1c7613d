using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// </summary>
public static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor, converting F32, F16 and BF16 to float32.</summary>
    public static IReadOnlyList<NamedTensor> Read(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > stream.Length - 8)
            throw new InvalidDataException($"'{path}' is not a safetensors file (header length {headerLength}).");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + headerLength;

        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new InvalidDataException($"'{path}' has an empty safetensors header.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file: its header is not a JSON object ({ex.Message}).", ex);
        }
        var meta = new Dictionary<string, string>();
        var result = new List<NamedTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) meta[k] = v?.ToString() ?? "";
                continue;
            }
            var entry = node!.AsObject();
            string dtype = entry["dtype"]!.GetValue<string>();
            int[] shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
            var offsets = entry["data_offsets"]!.AsArray();
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            long count = NamedTensor.ElementCount(shape);
            int elementSize = dtype switch
            {
                "F32" => 4,
                "F16" or "BF16" => 2,
                _ => throw new InvalidDataException($"Tensor '{name}' has dtype {dtype}; only F32, F16 and BF16 are supported."),
            };
            if (end - begin != count * elementSize || dataStart + end > stream.Length)
                throw new InvalidDataException($"Tensor '{name}' has a byte range that does not match its shape.");
            var raw = new byte[end - begin];
            stream.Position = dataStart + begin;
            stream.ReadExactly(raw);
            result.Add(new NamedTensor(name, shape, Decode(raw, dtype, count)));
        }
        metadata = meta;
        return result;
    }

    /// <summary>Writes tensors as F32 (or F16 when <paramref name="half"/>), in the order given.</summary>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool half = false)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var m = new JsonObject();
            foreach (var (k, v) in metadata) m[k] = v;
            header["__metadata__"] = m;
        }
        int elementSize = half ? 2 : 4;
        long offset = 0;
        foreach (var t in list)
        {
            long bytes = t.Length * elementSize;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = half ? "F16" : "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        // The format pads the header with spaces to an 8-byte boundary so the data is aligned.
        int padding = (8 - headerBytes.Length % 8) % 8;
        using var stream = File.Create(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, headerBytes.Length + padding);
        stream.Write(lengthBytes);
        stream.Write(headerBytes);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var t in list)
        {
            if (half)
            {
                var buffer = new byte[t.Length * 2];
                for (long i = 0; i < t.Length; i++)
                    BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan((int)(i * 2)), (Half)t.Data[i]);
                stream.Write(buffer);
            }
            else
            {
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
            }
        }
    }

    private static float[] Decode(byte[] raw, string dtype, long count)
    {
        var data = new float[count];
        switch (dtype)
        {
            case "F32":
                Buffer.BlockCopy(raw, 0, data, 0, raw.Length);
                break;
            case "F16":
                for (long i = 0; i < count; i++)
                    data[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan((int)(i * 2)));
                break;
            case "BF16":
                for (long i = 0; i < count; i++)
                    data[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan((int)(i * 2))) << 16);
                break;
        }
        return data;
    }
}
