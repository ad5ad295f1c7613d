using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace TextGameGen.Pipeline.Text;

/// <summary>Reads text files that must be UTF-8: bytes that are not are an error naming the file and the offset, never silently replaced.</summary>
public static class Utf8Text
{
    public static string ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.");
        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[3..];
        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            int offset = read + (bytes.Length - span.Length);
            throw new InvalidDataException($"'{path}' is not UTF-8: invalid byte 0x{bytes[offset]:X2} at byte offset {offset}.");
        }
        return new string(chars, 0, written);
    }

    /// <summary>The file's non-empty lines (at most <paramref name="maxLines"/>; 0: all); an error when there are none.</summary>
    public static IReadOnlyList<string> ReadLines(string path, int maxLines = 0)
    {
        var lines = ReadAll(path).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);
        if (maxLines > 0) lines = lines.Take(maxLines);
        var list = lines.ToList();
        if (list.Count == 0) throw new InvalidDataException($"'{path}' has no lines.");
        return list;
    }
}
