using System;
using System.Text;

namespace Rules.Runtime.Reading;

/// <summary>
/// The paths one reader has met, as a tree keyed by the UTF-8 bytes of each JSON key under its parent: finding the
/// path of a key costs a hash of the key's bytes and one compare, with no transcoding and no hashing of the whole
/// dotted path. Each node remembers what the path resolves to (ECS field id, overflow slot, whether an object there is
/// kept as raw JSON), so the lookups behind those answers run once per path, not once per event.
/// Bounded: when more than <see cref="MaxNodes"/> paths have been met the cache is emptied between two documents and
/// refilled, so input with ever-new keys costs time, not memory.
/// </summary>
internal sealed class PathCache
{
    /// <summary>Root of every document.</summary>
    public const int Root = 0;

    /// <summary>Paths kept before the cache starts over (about 120 bytes each, plus the key and path text and a last
    /// value of at most <see cref="MaxLastValueBytes"/> as bytes and string: under 30 MB in all at worst).</summary>
    public const int MaxNodes = 1 << 15;

    /// <summary>Longest value a node remembers as <see cref="Node.LastValue"/>.</summary>
    public const int MaxLastValueBytes = 128;

    // Keys are decoded strictly: invalid UTF-8 in a key makes the line invalid JSON, as Utf8JsonReader.GetString would.
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private Node[] _nodes = new Node[256];
    private byte[] _lastTokens = new byte[4096]; // the nodes' last tokens, each in a region of its own
    private int _lastTokensUsed;
    private int[] _buckets = new int[512]; // node index + 1, 0 = empty; open addressing, linear probing
    private int _count;

    public PathCache()
    {
        Clear();
    }

    /// <summary>What a path resolves to; fields filled lazily by the parser.</summary>
    public struct Node
    {
        public int Parent;
        public int Hash;
        public byte[] Key;
        public string Path;

        /// <summary>The ECS leaf id, or -1.</summary>
        public int EcsId;

        /// <summary>True once <see cref="Overflow"/> holds the registered overflow field of this path.</summary>
        public bool HasOverflow;
        public OverflowField Overflow;

        /// <summary>Registry size when the path was last found unregistered: look again only when it changed.</summary>
        public int UnregisteredAtCount;

        /// <summary>The child key that came first under this path last time (node index, 0 = none): documents of one
        /// source write their keys in the same order, so the guess usually saves the hash lookup.</summary>
        public int FirstChild;

        /// <summary>The sibling key that followed this one last time (node index, 0 = none).</summary>
        public int NextSibling;

        /// <summary>The last short string value read at this path, and the bytes of its token as written (escapes
        /// included) in <see cref="LastToken"/>: a value that does not change from one event to the next (host.name,
        /// agent.version) costs one byte compare, with no unescaping.</summary>
        public string? LastValue;
        public int LastTokenStart;
        public int LastTokenLength;
        public int LastTokenCapacity;

        /// <summary>True when a lone scalar at this path can be assigned to the ECS property directly (a single-valued
        /// field of kind <see cref="DirectKind"/> without registered multi-fields); valid while
        /// <see cref="DirectVersion"/> is the parser's multi-field version.</summary>
        public bool Direct;
        public OverflowKind DirectKind;
        public int DirectVersion;
    }

    public int Count => _count;

    public ref Node this[int index] => ref _nodes[index];

    /// <summary>The token bytes of the node's <see cref="Node.LastValue"/>.</summary>
    public ReadOnlySpan<byte> LastToken(ref Node node) => _lastTokens.AsSpan(node.LastTokenStart, node.LastTokenLength);

    /// <summary>Remembers <paramref name="value"/>, whose token was <paramref name="token"/> (at most
    /// <see cref="MaxLastValueBytes"/> bytes), as the node's last value.</summary>
    public void RememberLastValue(ref Node node, ReadOnlySpan<byte> token, string value)
    {
        if (token.Length > node.LastTokenCapacity)
        {
            // A region of its own, sized so that a value whose length varies settles after a few events; the old
            // region is left unused until the cache starts over.
            var capacity = Math.Min(MaxLastValueBytes, Math.Max(16, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)token.Length)));
            if (_lastTokensUsed + capacity > _lastTokens.Length)
            {
                Array.Resize(ref _lastTokens, Math.Max(_lastTokens.Length * 2, _lastTokensUsed + capacity));
            }

            node.LastTokenStart = _lastTokensUsed;
            node.LastTokenCapacity = capacity;
            _lastTokensUsed += capacity;
        }

        token.CopyTo(_lastTokens.AsSpan(node.LastTokenStart));
        node.LastTokenLength = token.Length;
        node.LastValue = value;
    }

    /// <summary>Starts over when the cache is full. Only between documents: node indexes stay valid within one.</summary>
    public void TrimBetweenDocuments()
    {
        if (_count > MaxNodes)
        {
            Clear();
        }
    }

    /// <summary>
    /// The node of key <paramref name="key"/> (unescaped UTF-8) under <paramref name="parent"/>, added on first sight.
    /// <paramref name="previousSibling"/> is the node of the key before it in the same object, or -1 for the first key:
    /// the key that followed it last time is tried first, with one compare.
    /// </summary>
    public int Child(int parent, int previousSibling, ReadOnlySpan<byte> key)
    {
        var guess = previousSibling < 0 ? _nodes[parent].FirstChild : _nodes[previousSibling].NextSibling;
        if (guess != 0 && key.SequenceEqual(_nodes[guess].Key))
        {
            return guess; // a guess is always a child of parent: it was found under the same parent or sibling
        }

        var node = Child(parent, key);
        if (previousSibling < 0)
        {
            _nodes[parent].FirstChild = node;
        }
        else
        {
            _nodes[previousSibling].NextSibling = node;
        }

        return node;
    }

    /// <summary>The node of key <paramref name="key"/> (unescaped UTF-8) under <paramref name="parent"/>, added on first sight.</summary>
    public int Child(int parent, ReadOnlySpan<byte> key)
    {
        var hash = Utf8Hash.Of(key) ^ (parent * -1640531535);
        var mask = _buckets.Length - 1;
        var bucket = hash & mask;
        while (true)
        {
            var entry = _buckets[bucket];
            if (entry == 0)
            {
                break;
            }

            ref var node = ref _nodes[entry - 1];
            if (node.Hash == hash && node.Parent == parent && key.SequenceEqual(node.Key))
            {
                return entry - 1;
            }

            bucket = (bucket + 1) & mask;
        }

        return Add(parent, key, hash);
    }

    private int Add(int parent, ReadOnlySpan<byte> key, int hash)
    {
        var segment = StrictUtf8.GetString(key); // throws DecoderFallbackException on invalid UTF-8, before anything is kept
        var parentPath = _nodes[parent].Path;
        var path = parentPath.Length == 0 ? segment : string.Concat(parentPath, ".", segment);
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        var index = _count++;
        _nodes[index] = new Node
        {
            Parent = parent,
            Hash = hash,
            Key = key.ToArray(),
            Path = path,
            EcsId = EcsFieldTable.TryGetId(path, out var id) ? id : -1,
            UnregisteredAtCount = -1,
        };
        if (_count * 2 > _buckets.Length)
        {
            Rehash();
        }
        else
        {
            Insert(_buckets, index, hash);
        }

        return index;
    }

    private void Rehash()
    {
        var buckets = new int[_buckets.Length * 2];
        for (var i = 1; i < _count; i++)
        {
            Insert(buckets, i, _nodes[i].Hash);
        }

        _buckets = buckets;
    }

    private static void Insert(int[] buckets, int index, int hash)
    {
        var mask = buckets.Length - 1;
        var bucket = hash & mask;
        while (buckets[bucket] != 0)
        {
            bucket = (bucket + 1) & mask;
        }

        buckets[bucket] = index + 1;
    }

    private void Clear()
    {
        Array.Clear(_nodes, 0, _count);
        _lastTokensUsed = 0;
        if (_buckets.Length > 512 && _nodes.Length > MaxNodes)
        {
            _nodes = new Node[256];
            _buckets = new int[512];
            _lastTokens = new byte[4096];
        }
        else
        {
            Array.Clear(_buckets);
        }

        _nodes[Root] = new Node { Parent = -1, Key = [], Path = "", EcsId = -1, UnregisteredAtCount = -1 };
        _count = 1;
    }
}

/// <summary>
/// A fast, non-cryptographic hash of UTF-8 bytes, 8 bytes at a time, for in-memory tables only. Seeded per process so
/// that input cannot be crafted in advance to collide.
/// </summary>
internal static class Utf8Hash
{
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    public static int Of(ReadOnlySpan<byte> bytes)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        var hash = (Seed ^ (ulong)bytes.Length) * Multiplier;
        while (bytes.Length >= 8)
        {
            hash = (hash ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * Multiplier;
            hash ^= hash >> 29;
            bytes = bytes.Slice(8);
        }

        ulong tail;
        if (bytes.Length >= 4)
        {
            // Two overlapping 4-byte reads cover 4 to 7 bytes.
            tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes)
                | ((ulong)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(bytes.Length - 4)) << 32);
        }
        else
        {
            tail = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                tail |= (ulong)bytes[i] << (8 * i);
            }
        }

        // MurmurHash3's 64-bit finalizer: every input bit reaches the low bits that index the tables.
        hash ^= tail;
        return Finish(hash);
    }

    /// <summary>
    /// A hash of the length and of at most 24 bytes (the first, middle and last 8), in constant time whatever the
    /// length: for the string cache, where a collision only costs a cache miss (its sets are bounded), never a longer
    /// search. Values that differ only outside the sampled bytes share a set and evict one another.
    /// </summary>
    public static int Sampled(ReadOnlySpan<byte> bytes)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        if (bytes.Length < 8)
        {
            return Of(bytes);
        }

        var first = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var middle = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice((bytes.Length - 8) / 2));
        var last = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(bytes.Length - 8));
        var hash = ((Seed ^ (ulong)bytes.Length) * Multiplier) ^ first;
        hash = (hash * Multiplier) ^ middle ^ System.Numerics.BitOperations.RotateLeft(last, 29);
        return Finish(hash);
    }

    private static int Finish(ulong hash)
    {
        hash = (hash ^ (hash >> 33)) * 0xFF51AFD7ED558CCDUL;
        hash = (hash ^ (hash >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return (int)(hash ^ (hash >> 33));
    }
}
