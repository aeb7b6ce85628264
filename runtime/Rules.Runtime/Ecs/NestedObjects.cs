using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// The objects of the registered nested fields (<see cref="NestedPathRegistry"/>) in one event. The values stay in the
/// flattened leaves (every other reader of the record sees them as before); this store only says, for object
/// <c>k</c> of a nested field and each registered member, which range of the member's flattened values (or, for a
/// deeper nested field, of its objects) came from inside that object. Ranges are contiguous because the reader appends
/// a leaf's values in document order. Buffers are reused across events, so reading and matching do not allocate.
/// </summary>
public sealed class NestedObjects
{
    private PathObjects?[] _paths = new PathObjects?[4];
    private readonly List<int> _used = new();

    private sealed class PathObjects
    {
        public int Count;

        /// <summary>Members known when this event's first object of the path opened; later ones read as empty.</summary>
        public int Members;

        /// <summary>(object * Members + member) * 2: start, + 1: end.</summary>
        public int[] Bounds = new int[16];
    }

    /// <summary>Number of objects of the nested field in this event (0 when it has none).</summary>
    public int Count(NestedPath path) => (uint)path.Slot < (uint)_paths.Length && _paths[path.Slot] is { } objects ? objects.Count : 0;

    /// <summary>The values of a member leaf that belong to one object of the nested field.</summary>
    public ReadOnlySpan<T> Values<T>(ReadOnlySpan<T> flattened, NestedPath path, int objectIndex, int member)
    {
        var (start, end) = Range(path, objectIndex, member);
        // Clamped: a record changed by code after reading, or read in another kind than stored, must not throw.
        end = Math.Min(end, flattened.Length);
        return start < end ? flattened.Slice(start, end - start) : default;
    }

    /// <inheritdoc cref="Values{T}(ReadOnlySpan{T}, NestedPath, int, int)"/>
    public ReadOnlySpan<T> Values<T>(T[]? flattened, NestedPath path, int objectIndex, int member) =>
        Values(new ReadOnlySpan<T>(flattened), path, objectIndex, member);

    /// <summary>The value of a single-valued ECS leaf when it came from this object (the record keeps the first value).</summary>
    public T? Single<T>(T? value, NestedPath path, int objectIndex, int member)
    {
        var (start, end) = Range(path, objectIndex, member);
        return start == 0 && end > 0 ? value : default;
    }

    /// <summary>The range [Start, End) of a member's values (or of a deeper nested field's objects) inside one object.</summary>
    public (int Start, int End) Range(NestedPath path, int objectIndex, int member)
    {
        if ((uint)path.Slot >= (uint)_paths.Length || _paths[path.Slot] is not { } objects
            || (uint)objectIndex >= (uint)objects.Count || (uint)member >= (uint)objects.Members)
        {
            return (0, 0);
        }

        var at = ((objectIndex * objects.Members) + member) * 2;
        return (objects.Bounds[at], objects.Bounds[at + 1]);
    }

    /// <summary>Removes every object; buffers are kept for the next event.</summary>
    public void Clear()
    {
        foreach (var slot in _used)
        {
            _paths[slot]!.Count = 0;
        }

        _used.Clear();
    }

    /// <summary>Starts a new object of the nested field; the caller then sets each member's start and end.</summary>
    internal int Open(int slot, int members)
    {
        if (slot >= _paths.Length)
        {
            Array.Resize(ref _paths, Math.Max(slot + 1, _paths.Length * 2));
        }

        var objects = _paths[slot] ??= new PathObjects();
        if (objects.Count == 0)
        {
            _used.Add(slot);
            objects.Members = members;
        }

        var index = objects.Count;
        var needed = (index + 1) * objects.Members * 2;
        if (needed > objects.Bounds.Length)
        {
            Array.Resize(ref objects.Bounds, Math.Max(needed, objects.Bounds.Length * 2));
        }

        objects.Count = index + 1;
        return index;
    }

    /// <summary>Members this event records for the slot (fixed by its first object).</summary>
    internal int MembersOf(int slot) => _paths[slot]!.Members;

    internal void SetStart(int slot, int objectIndex, int member, int start)
    {
        var objects = _paths[slot]!;
        var at = ((objectIndex * objects.Members) + member) * 2;
        objects.Bounds[at] = start;
        objects.Bounds[at + 1] = start;
    }

    internal void SetEnd(int slot, int objectIndex, int member, int end)
    {
        var objects = _paths[slot]!;
        objects.Bounds[(((objectIndex * objects.Members) + member) * 2) + 1] = end;
    }
}
