using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Rules.Runtime.Reading;

/// <summary>
/// Writes the objects of a registered nested field as an array of objects, from <see cref="EcsEvent.Nested"/>, so that
/// reading the output back gives the same objects (and nested queries the same answers), not only the same leaves.
/// Used only when the per-object ranges account for every value under the field exactly once, in order; otherwise the
/// field is written as objects of arrays, as before (docs/event-record.md "Nested objects").
/// </summary>
public sealed partial class EventWriter
{
    private readonly record struct NestedGroup(string Path, int Slot, int Entries);

    /// <summary>The run of entries under a nested field starting at <paramref name="first"/>, when they can be written
    /// as its objects; Entries is 0 otherwise.</summary>
    private static NestedGroup NestedGroupAt(EcsEvent e, List<Entry> entries, int first, HashSet<string> leaves)
    {
        if (NestedPathRegistry.Count == 0)
        {
            return default;
        }

        var path = entries[first].Path;
        for (var dot = path.IndexOf('.'); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            if (!NestedPathRegistry.TryGet(path.AsSpan(0, dot), out var slot) || e.Nested.Count(new NestedPath(slot, string.Empty)) == 0)
            {
                continue;
            }

            // The outermost nested field with objects decides; only its first entry starts the run.
            var prefix = path.Substring(0, dot + 1);
            if ((first > 0 && entries[first - 1].Path.StartsWith(prefix, StringComparison.Ordinal)) || leaves.Contains(path.Substring(0, dot)))
            {
                return default;
            }

            var last = first;
            while (last + 1 < entries.Count && entries[last + 1].Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                last++;
            }

            for (var i = first; i <= last; i++)
            {
                if (!CoveredByObjects(e, slot, entries[i]))
                {
                    return default;
                }
            }

            return new NestedGroup(path.Substring(0, dot), slot, last - first + 1);
        }

        return default;
    }

    /// <summary>The entry is a registered leaf of the nested field whose values the objects hold exactly, in order.</summary>
    private static bool CoveredByObjects(EcsEvent e, int slot, Entry entry)
    {
        int count;
        switch (entry.Source)
        {
            case Source.Ecs when EcsFieldTable.All[entry.Index] is { IsArray: true, Kind: not OverflowKind.Other } && EcsFieldTable.GetValue(e, entry.Index) is Array array:
                count = array.Length;
                break;
            case Source.Overflow when e.Overflow.Values(entry.Index) is { RawCount: 0 } values && values.StoredKind != OverflowKind.Other:
                count = values.Count;
                break;
            default:
                return false;
        }

        var member = NestedPathRegistry.MemberIndex(slot, entry.Path);
        var nestedPath = new NestedPath(slot, string.Empty);
        var objects = e.Nested.Count(nestedPath);
        var next = 0;
        for (var k = 0; k < objects && member >= 0; k++)
        {
            var (start, end) = e.Nested.Range(nestedPath, k, member);
            if (start != next || end < start)
            {
                return false;
            }

            next = end;
        }

        return member >= 0 && count > 0 && next == count;
    }

    private static void WriteNestedObjects(Utf8JsonWriter writer, EcsEvent e, List<Entry> entries, int first, NestedGroup group)
    {
        var nestedPath = new NestedPath(group.Slot, string.Empty);
        writer.WriteStartArray();
        for (var k = 0; k < e.Nested.Count(nestedPath); k++)
        {
            writer.WriteStartObject();
            for (var i = first; i < first + group.Entries; i++)
            {
                var entry = entries[i];
                var (start, end) = e.Nested.Range(nestedPath, k, NestedPathRegistry.MemberIndex(group.Slot, entry.Path));
                if (start == end)
                {
                    continue;
                }

                // Dotted keys inside the object give the same paths as nested objects would.
                writer.WritePropertyName(entry.Path.Substring(group.Path.Length + 1));
                if (end - start > 1)
                {
                    writer.WriteStartArray();
                }

                for (var v = start; v < end; v++)
                {
                    WriteElement(writer, entry.Source == Source.Ecs ? ((Array)EcsFieldTable.GetValue(e, entry.Index)!).GetValue(v) : e.Overflow.Values(entry.Index)!.StoredValue(v));
                }

                if (end - start > 1)
                {
                    writer.WriteEndArray();
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
