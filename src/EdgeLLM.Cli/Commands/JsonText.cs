using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeLLM.Cli.Commands;

/// <summary>JSON output of the verbs: written with Utf8JsonWriter (AOT-safe), returned as text for Console.Out.</summary>
internal static class JsonText
{
    /// <summary>The text <paramref name="body"/> writes, with non-ASCII characters kept as they are.</summary>
    public static string Write(Action<Utf8JsonWriter> body, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteIds(this Utf8JsonWriter writer, string name, IEnumerable<int> ids)
    {
        writer.WriteStartArray(name);
        foreach (int id in ids)
        {
            writer.WriteNumberValue(id);
        }

        writer.WriteEndArray();
    }
}
