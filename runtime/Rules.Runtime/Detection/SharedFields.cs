using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rules.Runtime;

/// <summary>
/// The fields several events share with equal values: the source of a sequence's shell alert (Kibana builds it
/// from the intersection of the building blocks' sources). Objects intersect field by field; other values must be
/// equal as JSON.
/// </summary>
internal static class SharedFields
{
    public static EcsEvent Of(IReadOnlyList<EventCapture> events)
    {
        var documents = events.Select(e => JsonDocument.Parse(e.Captured.Json)).ToList();
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteIntersection(writer, documents.Select(d => d.RootElement).ToList());
            }

            return CapturedEvent.Parse(buffer.ToArray());
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static void WriteIntersection(Utf8JsonWriter writer, List<JsonElement> objects)
    {
        writer.WriteStartObject();
        foreach (var property in objects[0].EnumerateObject())
        {
            var values = new List<JsonElement> { property.Value };
            foreach (var other in objects.Skip(1))
            {
                if (!other.TryGetProperty(property.Name, out var value))
                {
                    values = null;
                    break;
                }

                values.Add(value);
            }

            if (values is null)
            {
                continue;
            }

            if (values.All(v => v.ValueKind == JsonValueKind.Object))
            {
                writer.WritePropertyName(property.Name);
                WriteIntersection(writer, values);
            }
            else if (values.All(v => v.GetRawText() == values[0].GetRawText()))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
