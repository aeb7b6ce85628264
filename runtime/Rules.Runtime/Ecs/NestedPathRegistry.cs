using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Rules.Runtime;

/// <summary>A field of type <c>nested</c> whose objects the record keeps apart: a slot that indexes <see cref="NestedObjects"/>.</summary>
public readonly record struct NestedPath(int Slot, string Path);

/// <summary>
/// The process-wide list of nested fields whose per-object structure events keep, and, for each, its members: the
/// leaves and deeper nested fields under it that code reads per object. Generated rules register what their nested
/// queries read in static initialisers; the reader then records, for each object of such a field, which values of each
/// member it holds (docs/event-record.md "Nested objects"). Fields nobody registered cost the reader nothing.
/// Registration is idempotent and thread-safe (a lock); lookups are lock-free.
/// </summary>
public static class NestedPathRegistry
{
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<string, int> SlotsByPath = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SlotsBySpan =
        SlotsByPath.GetAlternateLookup<ReadOnlySpan<char>>();

    private static Entry[] _entries = new Entry[16];
    private static int _count;

    /// <summary>Where a member's current value count is read: an ECS leaf (by field id), an overflow slot, or the
    /// object count of a deeper nested field.</summary>
    internal enum MemberKind
    {
        Ecs,
        Overflow,
        Nested,
    }

    internal readonly record struct Member(string Path, MemberKind Kind, int Id);

    private sealed class Entry(string path)
    {
        public string Path { get; } = path;

        /// <summary>Published copy-on-write, so the reader iterates a stable array without a lock.</summary>
        public Member[] Members = [];
    }

    /// <summary>Number of registered nested fields; 0 lets the reader skip every lookup.</summary>
    public static int Count => Volatile.Read(ref _count);

    /// <summary>Registers (or finds) a nested field.</summary>
    public static NestedPath Register(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (Gate)
        {
            if (SlotsByPath.TryGetValue(path, out var slot))
            {
                return new NestedPath(slot, path);
            }

            slot = _count;
            var entries = _entries;
            if (slot == entries.Length)
            {
                Array.Resize(ref entries, entries.Length * 2);
            }

            entries[slot] = new Entry(path);
            Volatile.Write(ref _entries, entries);
            Volatile.Write(ref _count, slot + 1);
            SlotsByPath[path] = slot;
            return new NestedPath(slot, path);
        }
    }

    /// <summary>
    /// Registers a leaf under <paramref name="path"/> read per object; returns its member index. An ECS leaf is read
    /// from its typed property; any other from overflow, registered with <paramref name="kind"/> (as rules do).
    /// </summary>
    public static int RegisterLeaf(NestedPath path, string leafPath, OverflowKind kind)
    {
        ArgumentNullException.ThrowIfNull(leafPath);
        if (!leafPath.StartsWith(path.Path + ".", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{leafPath}' is not under the nested field '{path.Path}'.", nameof(leafPath));
        }

        var member = EcsFieldTable.TryGetId(leafPath, out var id)
            ? new Member(leafPath, MemberKind.Ecs, id)
            : new Member(leafPath, MemberKind.Overflow, OverflowFieldRegistry.Register(leafPath, kind).Slot);
        return AddMember(path, member);
    }

    /// <summary>Registers a deeper nested field whose objects are counted per object of <paramref name="path"/>.</summary>
    public static int RegisterNested(NestedPath path, NestedPath inner)
    {
        if (!inner.Path.StartsWith(path.Path + ".", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{inner.Path}' is not under the nested field '{path.Path}'.", nameof(inner));
        }

        return AddMember(path, new Member(inner.Path, MemberKind.Nested, inner.Slot));
    }

    /// <summary>Finds a registered nested field by path without allocating.</summary>
    internal static bool TryGet(ReadOnlySpan<char> path, out int slot) => SlotsBySpan.TryGetValue(path, out slot);

    internal static Member[] MembersOf(int slot) => Volatile.Read(ref Volatile.Read(ref _entries)[slot].Members);

    internal static string PathOf(int slot) => Volatile.Read(ref _entries)[slot].Path;

    /// <summary>The member index of a path under a nested field, or -1.</summary>
    internal static int MemberIndex(int slot, string memberPath)
    {
        var members = MembersOf(slot);
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].Path == memberPath)
            {
                return i;
            }
        }

        return -1;
    }

    private static int AddMember(NestedPath path, Member member)
    {
        lock (Gate)
        {
            var entry = Volatile.Read(ref _entries)[path.Slot];
            var members = entry.Members;
            for (var i = 0; i < members.Length; i++)
            {
                if (members[i].Path == member.Path)
                {
                    return i;
                }
            }

            var grown = new Member[members.Length + 1];
            members.CopyTo(grown, 0);
            grown[members.Length] = member;
            Volatile.Write(ref entry.Members, grown);
            return members.Length;
        }
    }
}
