using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rules.Runtime.Reading;

/// <summary>
/// Writes events as NDJSON: one JSON object per line, fields nested by their dotted ECS names, overflow included, so
/// that JSON -> EcsEvent -> JSON keeps every field (docs/event-record.md, "Writer"). Fields are written in path order.
/// Where overflow holds values for an ECS path (an array given for a single-valued field, a value of the wrong type),
/// the overflow values are written, since they are the complete original.
/// </summary>
public sealed partial class EventWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // NDJSON for machines, not HTML: keep non-ASCII and punctuation readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly Utf8JsonWriter _writer;
    private readonly List<Entry> _entries = new();
    private readonly List<int> _ecsIds = new();

    public EventWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
        _writer = new Utf8JsonWriter(output, WriterOptions);
    }

    /// <summary>Writes one event and a newline.</summary>
    public void Write(EcsEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _writer.Reset(_output);
        WriteObject(e, _writer, _entries, _ecsIds);
        _writer.Flush();
        _output.WriteByte((byte)'\n');
    }

    public void Flush() => _output.Flush();

    /// <summary>The event as one line of JSON (no newline).</summary>
    public static string ToJson(EcsEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteObject(e, writer, new List<Entry>(), new List<int>());
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void Dispose()
    {
        _writer.Dispose();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private enum Source
    {
        Ecs,
        Overflow,
        Unregistered,
        NestedObjects,
    }

    private readonly record struct Entry(string Path, Source Source, int Index);

    private static void WriteObject(EcsEvent e, Utf8JsonWriter writer, List<Entry> entries, List<int> ecsIds)
    {
        entries.Clear();
        ecsIds.Clear();
        var overflowPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in e.Overflow.UsedSlots)
        {
            var values = e.Overflow.Values(slot);
            if (values is not null && !values.Derived && (values.Count > 0 || values.RawCount > 0 || values.IsArray))
            {
                var path = OverflowFieldRegistry.PathOf(slot);
                overflowPaths.Add(path);
                entries.Add(new Entry(path, Source.Overflow, slot));
            }
        }

        e.CollectPresent(ecsIds);
        foreach (var id in ecsIds)
        {
            var path = EcsFieldTable.All[id].Path;
            if (!overflowPaths.Contains(path))
            {
                entries.Add(new Entry(path, Source.Ecs, id));
            }
        }

        var unregistered = e.Overflow.Unregistered;
        for (var i = 0; i < unregistered.Count; i++)
        {
            entries.Add(new Entry(unregistered[i].Key, Source.Unregistered, i));
        }

        // Segment-wise order keeps every object's fields together ("a.b" and "a.c" around "a-b" would split "a").
        entries.Sort(static (x, y) => CompareSegments(x.Path, y.Path));

        writer.WriteStartObject();
        var open = new List<string>();   // segments of the objects currently open
        var leaves = new HashSet<string>(StringComparer.Ordinal); // paths already written as values
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var nestedGroup = NestedGroupAt(e, entries, i, leaves);
            if (nestedGroup.Entries > 0)
            {
                entry = new Entry(nestedGroup.Path, Source.NestedObjects, nestedGroup.Slot);
            }

            var segments = entry.Path.Split('.');

            // Objects can only be opened below a path that is not itself a written value; the rest becomes a dotted key.
            var nestable = segments.Length - 1;
            for (var k = 1; k < segments.Length; k++)
            {
                if (leaves.Contains(string.Join('.', segments, 0, k)))
                {
                    nestable = k - 1;
                    break;
                }
            }

            var common = 0;
            while (common < open.Count && common < nestable && open[common] == segments[common])
            {
                common++;
            }

            while (open.Count > common)
            {
                writer.WriteEndObject();
                open.RemoveAt(open.Count - 1);
            }

            for (var k = common; k < nestable; k++)
            {
                writer.WritePropertyName(segments[k]);
                writer.WriteStartObject();
                open.Add(segments[k]);
            }

            writer.WritePropertyName(string.Join('.', segments, nestable, segments.Length - nestable));
            leaves.Add(entry.Path);
            switch (entry.Source)
            {
                case Source.Ecs:
                    WriteEcsValue(writer, EcsFieldTable.All[entry.Index], EcsFieldTable.GetValue(e, entry.Index));
                    break;
                case Source.Overflow:
                    WriteOverflowValue(writer, e.Overflow.Values(entry.Index)!);
                    break;
                case Source.NestedObjects:
                    WriteNestedObjects(writer, e, entries, i, nestedGroup);
                    i += nestedGroup.Entries - 1;
                    break;
                default:
                    // Consecutive raw values of one unregistered path came from one array.
                    var last = i;
                    while (last + 1 < entries.Count && entries[last + 1].Source == Source.Unregistered && entries[last + 1].Path == entry.Path)
                    {
                        last++;
                    }

                    if (last > i)
                    {
                        writer.WriteStartArray();
                    }

                    for (var k = i; k <= last; k++)
                    {
                        WriteRaw(writer, unregistered[entries[k].Index].Value);
                    }

                    if (last > i)
                    {
                        writer.WriteEndArray();
                    }

                    i = last;
                    break;
            }
        }

        while (open.Count > 0)
        {
            writer.WriteEndObject();
            open.RemoveAt(open.Count - 1);
        }

        writer.WriteEndObject();
    }

    private static int CompareSegments(string x, string y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                // '.' ends a segment: it sorts before every other character.
                return a == '.' ? -1 : b == '.' ? 1 : a.CompareTo(b);
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    private static void WriteEcsValue(Utf8JsonWriter writer, EcsField field, object? value)
    {
        switch (value)
        {
            case string text when field.Kind == OverflowKind.Other:
                WriteRaw(writer, text);
                break;
            case string[] texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                {
                    if (text is null)
                    {
                        writer.WriteNullValue();
                    }
                    else if (field.Kind == OverflowKind.Other)
                    {
                        WriteRaw(writer, text);
                    }
                    else
                    {
                        writer.WriteStringValue(text);
                    }
                }

                writer.WriteEndArray();
                break;
            case long[] integers:
                writer.WriteStartArray();
                foreach (var integer in integers)
                {
                    writer.WriteNumberValue(integer);
                }

                writer.WriteEndArray();
                break;
            case double[] reals:
                writer.WriteStartArray();
                foreach (var real in reals)
                {
                    WriteFloat(writer, real);
                }

                writer.WriteEndArray();
                break;
            case bool[] booleans:
                writer.WriteStartArray();
                foreach (var boolean in booleans)
                {
                    writer.WriteBooleanValue(boolean);
                }

                writer.WriteEndArray();
                break;
            case DateTimeOffset[] dates:
                writer.WriteStartArray();
                foreach (var date in dates)
                {
                    writer.WriteStringValue(ValueCoercion.FormatDate(date));
                }

                writer.WriteEndArray();
                break;
            default:
                WriteElement(writer, value);
                break;
        }
    }

    /// <summary>One scalar value of the record (null for anything else).</summary>
    private static void WriteElement(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case double real:
                WriteFloat(writer, real);
                break;
            case bool boolean:
                writer.WriteBooleanValue(boolean);
                break;
            case DateTimeOffset date:
                writer.WriteStringValue(ValueCoercion.FormatDate(date));
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteOverflowValue(Utf8JsonWriter writer, OverflowValues values)
    {
        var total = values.Count + values.RawCount;
        var asArray = values.IsArray || total != 1;
        if (asArray)
        {
            writer.WriteStartArray();
        }

        if (values.StoredKind != OverflowKind.Other)
        {
            for (var i = 0; i < values.Count; i++)
            {
                WriteElement(writer, values.StoredValue(i));
            }
        }

        foreach (var raw in values.RawValues)
        {
            WriteRaw(writer, raw);
        }

        if (asArray)
        {
            writer.WriteEndArray();
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            // JSON has no NaN or infinity; only code can put them on the record.
            writer.WriteStringValue(ValueCoercion.FormatFloat(value));
        }
    }

    /// <summary>Raw JSON text as is; text set by code that is not valid JSON is written as a string instead.</summary>
    private static void WriteRaw(Utf8JsonWriter writer, string json)
    {
        if (IsValidJson(json))
        {
            writer.WriteRawValue(json, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(json);
        }
    }

    private static bool IsValidJson(string json)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
