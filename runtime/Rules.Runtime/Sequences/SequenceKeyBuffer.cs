using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// The join-key values of one event for one stage, filled by generated key extraction. A key position may hold
/// several values: Elasticsearch joins a multi-valued key on each of its distinct values, so the event takes part
/// under every combination of the positions' values (the cartesian product; spec suite test_extra.toml,
/// sequenceWithMultivalue_*). Reused by the engine: filling it allocates nothing for string values.
/// </summary>
public sealed class SequenceKeyBuffer
{
    private readonly List<string?>[] _positions;

    public SequenceKeyBuffer(int count)
    {
        _positions = new List<string?>[count];
        for (var i = 0; i < count; i++)
        {
            _positions[i] = new List<string?>(2);
        }
    }

    public int Count => _positions.Length;

    /// <summary>Sets one value; false when it is null and the key is not optional (the event cannot join).</summary>
    public bool Set(int position, string? value, bool optional)
    {
        var values = _positions[position];
        values.Clear();
        values.Add(value);
        return value is not null || optional;
    }

    public bool Set(int position, long? value, bool optional) => Set(position, SequenceKeys.Render(value), optional);

    public bool Set(int position, double? value, bool optional) => Set(position, SequenceKeys.Render(value), optional);

    public bool Set(int position, bool? value, bool optional) => Set(position, SequenceKeys.Render(value), optional);

    public bool Set(int position, DateTimeOffset? value, bool optional) => Set(position, SequenceKeys.Render(value), optional);

    /// <summary>Sets the distinct values of a multi-valued field (none: null).</summary>
    public bool Set(int position, ReadOnlySpan<string> values, bool optional)
    {
        var list = _positions[position];
        list.Clear();
        foreach (var value in values)
        {
            if (value is not null && !list.Contains(value))
            {
                list.Add(value);
            }
        }

        return Finish(list, optional);
    }

    public bool Set(int position, ReadOnlySpan<long> values, bool optional)
    {
        var list = _positions[position];
        list.Clear();
        foreach (var value in values)
        {
            AddDistinct(list, SequenceKeys.Render(value));
        }

        return Finish(list, optional);
    }

    public bool Set(int position, ReadOnlySpan<double> values, bool optional)
    {
        var list = _positions[position];
        list.Clear();
        foreach (var value in values)
        {
            AddDistinct(list, SequenceKeys.Render(value));
        }

        return Finish(list, optional);
    }

    public bool Set(int position, ReadOnlySpan<bool> values, bool optional)
    {
        var list = _positions[position];
        list.Clear();
        foreach (var value in values)
        {
            AddDistinct(list, SequenceKeys.Render(value));
        }

        return Finish(list, optional);
    }

    public bool Set(int position, ReadOnlySpan<DateTimeOffset> values, bool optional)
    {
        var list = _positions[position];
        list.Clear();
        foreach (var value in values)
        {
            AddDistinct(list, SequenceKeys.Render(value));
        }

        return Finish(list, optional);
    }

    /// <summary>The values at a position (one null when it has none).</summary>
    public IReadOnlyList<string?> Values(int position) => _positions[position];

    /// <summary>How many key combinations the event joins under.</summary>
    internal int Combinations
    {
        get
        {
            var product = 1;
            foreach (var values in _positions)
            {
                product = checked(product * values.Count);
            }

            return product;
        }
    }

    /// <summary>Writes combination <paramref name="index"/> (0 ≤ index &lt; <see cref="Combinations"/>).</summary>
    internal void Fill(int index, string?[] target)
    {
        for (var i = _positions.Length - 1; i >= 0; i--)
        {
            var values = _positions[i];
            target[i] = values[index % values.Count];
            index /= values.Count;
        }
    }

    private static void AddDistinct(List<string?> list, string? value)
    {
        if (value is not null && !list.Contains(value))
        {
            list.Add(value);
        }
    }

    private static bool Finish(List<string?> list, bool optional)
    {
        if (list.Count > 0)
        {
            return true;
        }

        list.Add(null);
        return optional;
    }
}
