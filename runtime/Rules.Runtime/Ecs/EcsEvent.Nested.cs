using System;
using System.Collections.Generic;

namespace Rules.Runtime;

public sealed partial class EcsEvent
{
    /// <summary>Which flattened values belong to which object of each registered nested field (docs/event-record.md).</summary>
    public NestedObjects Nested { get; } = new();

    /// <summary>
    /// Sets the objects of a nested field from code, as the reader would from
    /// <c>{"path": [{"a": 1, "b": "x"}, {"a": 2}]}</c>: each leaf <c>path.field</c> gets the values of every object in
    /// order (replacing what it held), and <see cref="Nested"/> records which belong to which object. Values are
    /// string, long, int, double, bool or DateTimeOffset, or arrays of one of those. Registers the path and its leaves
    /// (<see cref="NestedPathRegistry"/>). Deeper nested fields are only read from JSON.
    /// </summary>
    public void SetNestedObjects(string nestedPath, params IReadOnlyDictionary<string, object>[] objects)
    {
        ArgumentNullException.ThrowIfNull(nestedPath);
        ArgumentNullException.ThrowIfNull(objects);
        var path = NestedPathRegistry.Register(nestedPath);
        var leaves = new Dictionary<string, (List<object> Values, int[] Counts)>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var k = 0; k < objects.Length; k++)
        {
            foreach (var (field, value) in objects[k])
            {
                if (!leaves.TryGetValue(field, out var leaf))
                {
                    leaf = (new List<object>(), new int[objects.Length]);
                    leaves.Add(field, leaf);
                    order.Add(field);
                }

                if (value is Array array)
                {
                    foreach (var item in array)
                    {
                        leaf.Values.Add(item!);
                        leaf.Counts[k]++;
                    }
                }
                else
                {
                    leaf.Values.Add(value);
                    leaf.Counts[k]++;
                }
            }
        }

        var memberCounts = new Dictionary<int, int[]>();
        foreach (var field in order)
        {
            var (values, counts) = leaves[field];
            var fullPath = nestedPath + "." + field;
            var kind = SetLeafValues(fullPath, values);
            memberCounts[NestedPathRegistry.RegisterLeaf(path, fullPath, kind)] = counts;
        }

        var members = NestedPathRegistry.MembersOf(path.Slot).Length;
        var offsets = new Dictionary<int, int>();
        for (var k = 0; k < objects.Length; k++)
        {
            var index = Nested.Open(path.Slot, members);
            for (var member = 0; member < Nested.MembersOf(path.Slot); member++)
            {
                var start = offsets.GetValueOrDefault(member);
                var count = memberCounts.TryGetValue(member, out var perObject) ? perObject[k] : 0;
                Nested.SetStart(path.Slot, index, member, start);
                Nested.SetEnd(path.Slot, index, member, start + count);
                offsets[member] = start + count;
            }
        }
    }

    private OverflowKind SetLeafValues(string path, List<object> values)
    {
        switch (values.Count > 0 ? values[0] : string.Empty)
        {
            case string:
                Set(path, values.ConvertAll(v => (string)v).ToArray());
                return OverflowKind.String;
            case long or int:
                Set(path, values.ConvertAll(Convert.ToInt64).ToArray());
                return OverflowKind.Integer;
            case double:
                Set(path, values.ConvertAll(v => (double)v).ToArray());
                return OverflowKind.Float;
            case bool:
                Set(path, values.ConvertAll(v => (bool)v).ToArray());
                return OverflowKind.Boolean;
            case DateTimeOffset:
                Set(path, values.ConvertAll(v => (DateTimeOffset)v).ToArray());
                return OverflowKind.Date;
            default:
                throw new ArgumentException($"'{path}': a nested object's value must be a string, long, int, double, bool or DateTimeOffset, or an array of them.", nameof(values));
        }
    }
}
