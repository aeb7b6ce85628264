using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Rules.Runtime;

/// <summary>A non-ECS field: a slot number that indexes <see cref="OverflowFields"/> without hashing.</summary>
public readonly struct OverflowField : IEquatable<OverflowField>
{
    internal OverflowField(int slot, string path, OverflowKind kind)
    {
        Slot = slot;
        Path = path;
        Kind = kind;
    }

    public int Slot { get; }

    public string Path { get; }

    /// <summary>The kind the registering code asked for; reads convert to it.</summary>
    public OverflowKind Kind { get; }

    public bool Equals(OverflowField other) => Slot == other.Slot && Kind == other.Kind && Path == other.Path;

    public override bool Equals(object? obj) => obj is OverflowField other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Slot, Kind);

    public override string ToString() => Path + " (" + Kind + ", slot " + Slot + ")";
}

/// <summary>
/// The process-wide list of non-ECS fields. Generated rules register the fields they read in static initialisers; the
/// reader registers every other field it meets (kind from the JSON shape) so nothing is lost. Registration is
/// idempotent and thread-safe (a lock); lookups are lock-free. One path has one slot: a later registration with another
/// kind returns the same slot with that kind, and values are converted on read. A kind declared by code replaces a
/// kind the reader only inferred, so the reader stores later values in the declared form.
/// </summary>
public static class OverflowFieldRegistry
{
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<string, int> SlotsByPath = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SlotsBySpan =
        SlotsByPath.GetAlternateLookup<ReadOnlySpan<char>>();

    private static SlotInfo[] _slots = new SlotInfo[256];
    private static int _count;
    private static int _declaredVersion;

    private sealed class SlotInfo(string path, OverflowKind kind, bool declared)
    {
        public string Path { get; } = path;

        public OverflowKind StorageKind { get; set; } = kind;

        public bool Declared { get; set; } = declared;

        /// <summary>A user schema's null_value as UTF-8 JSON, indexed in place of an explicit null; or null.</summary>
        public byte[]? NullValueJson { get; set; }

        /// <summary>A user schema's date format; or null (strict_date_optional_time||epoch_millis).</summary>
        public Matching.JavaDateFormat? DateFormat { get; set; }
    }

    private static int _nullValueCount;

    /// <summary>
    /// Registers a field a user schema gives mapping parameters: <paramref name="nullValueJson"/> (a JSON scalar the
    /// reader indexes in place of an explicit null, as Elasticsearch's null_value) and <paramref name="dateFormat"/>
    /// (the date format the reader parses the field's strings with). Null: not set.
    /// </summary>
    public static OverflowField Register(string path, OverflowKind kind, string? nullValueJson, string? dateFormat)
    {
        var field = Register(path, kind);
        var format = dateFormat is null ? null : Matching.JavaDateFormat.Parse(dateFormat);
        lock (Gate)
        {
            var info = Volatile.Read(ref _slots)[field.Slot];
            if (nullValueJson is not null && info.NullValueJson is null)
            {
                info.NullValueJson = System.Text.Encoding.UTF8.GetBytes(nullValueJson);
                Interlocked.Increment(ref _nullValueCount);
            }

            info.DateFormat ??= format;
        }

        return field;
    }

    /// <summary>The null_value of the field at <paramref name="path"/>, if a user schema gave it one.</summary>
    internal static bool TryGetNullValue(ReadOnlySpan<char> path, out byte[] json)
    {
        json = null!;
        if (Volatile.Read(ref _nullValueCount) == 0 || !SlotsBySpan.TryGetValue(path, out var slot))
        {
            return false;
        }

        json = Volatile.Read(ref _slots)[slot].NullValueJson!;
        return json is not null;
    }

    /// <summary>The date format a user schema gave the field in <paramref name="slot"/>, or null.</summary>
    internal static Matching.JavaDateFormat? DateFormatOf(int slot) => Volatile.Read(ref _slots)[slot].DateFormat;

    /// <summary>Number of registered fields.</summary>
    public static int Count => Volatile.Read(ref _count);

    /// <summary>Changes whenever code declares a field (not when the reader infers one); lets readers refresh caches.</summary>
    internal static int DeclaredVersion => Volatile.Read(ref _declaredVersion);

    /// <summary>Registers (or finds) a field that code reads; returns its slot with <paramref name="kind"/>.</summary>
    public static OverflowField Register(string path, OverflowKind kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (Gate)
        {
            if (SlotsByPath.TryGetValue(path, out var slot))
            {
                var info = Volatile.Read(ref _slots)[slot];
                if (!info.Declared)
                {
                    info.StorageKind = kind;
                    info.Declared = true;
                    Interlocked.Increment(ref _declaredVersion);
                }

                return new OverflowField(slot, info.Path, kind);
            }

            var added = Add(path, kind, declared: true);
            Interlocked.Increment(ref _declaredVersion);
            return new OverflowField(added, path, kind);
        }
    }

    /// <summary>Finds a registered field by path.</summary>
    public static bool TryGet(string path, out OverflowField field) => TryGet(path.AsSpan(), out field);

    /// <summary>Finds a registered field by path without allocating; its kind is the storage kind.</summary>
    public static bool TryGet(ReadOnlySpan<char> path, out OverflowField field)
    {
        if (SlotsBySpan.TryGetValue(path, out var slot))
        {
            var info = Volatile.Read(ref _slots)[slot];
            field = new OverflowField(slot, info.Path, info.StorageKind);
            return true;
        }

        field = default;
        return false;
    }

    /// <summary>The reader's registration: finds the field or adds it with the kind inferred from the JSON value.</summary>
    internal static OverflowField GetOrAddInferred(ReadOnlySpan<char> path, OverflowKind inferredKind)
    {
        if (TryGet(path, out var existing))
        {
            return existing;
        }

        lock (Gate)
        {
            if (TryGet(path, out existing))
            {
                return existing;
            }

            var text = path.ToString();
            return new OverflowField(Add(text, inferredKind, declared: false), text, inferredKind);
        }
    }

    internal static OverflowKind StorageKind(int slot) => Volatile.Read(ref _slots)[slot].StorageKind;

    /// <summary>True when code (a rule) registered the field, not only the reader.</summary>
    internal static bool IsDeclared(int slot) => Volatile.Read(ref _slots)[slot].Declared;

    internal static string PathOf(int slot) => Volatile.Read(ref _slots)[slot].Path;

    private static int Add(string path, OverflowKind kind, bool declared)
    {
        var slot = _count;
        var slots = _slots;
        if (slot == slots.Length)
        {
            Array.Resize(ref slots, slots.Length * 2);
        }

        slots[slot] = new SlotInfo(path, kind, declared);
        Volatile.Write(ref _slots, slots);
        Volatile.Write(ref _count, slot + 1);
        SlotsByPath[path] = slot;
        return slot;
    }
}
