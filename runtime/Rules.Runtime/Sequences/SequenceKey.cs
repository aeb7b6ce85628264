using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// A tuple of join-key values (null allowed), compared ordinally. The engine looks keys up through one reusable
/// scratch instance (no allocation) and copies it only when a new key is stored.
/// </summary>
internal sealed class SequenceKey
{
    public SequenceKey(int count)
    {
        Values = count == 0 ? Array.Empty<string?>() : new string?[count];
    }

    private SequenceKey(string?[] values, int hash)
    {
        Values = values;
        Hash = hash;
    }

    public string?[] Values { get; }

    public int Hash { get; private set; }

    /// <summary>Recomputes the hash after <see cref="Values"/> changed (scratch keys only).</summary>
    public void Rehash()
    {
        var hash = new HashCode();
        foreach (var value in Values)
        {
            hash.Add(value is null ? -1 : StringComparer.Ordinal.GetHashCode(value));
        }

        Hash = hash.ToHashCode();
    }

    public SequenceKey Copy() => new((string?[])Values.Clone(), Hash);

    public bool SameAs(SequenceKey other)
    {
        if (Hash != other.Hash || Values.Length != other.Values.Length)
        {
            return false;
        }

        for (var i = 0; i < Values.Length; i++)
        {
            if (!string.Equals(Values[i], other.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public sealed class Comparer : IEqualityComparer<SequenceKey>
    {
        public static readonly Comparer Instance = new();

        public bool Equals(SequenceKey? x, SequenceKey? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.SameAs(y));

        public int GetHashCode(SequenceKey obj) => obj.Hash;
    }
}
