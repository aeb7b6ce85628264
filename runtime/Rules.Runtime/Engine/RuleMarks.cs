using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace Rules.Runtime;

/// <summary>
/// The bits one index entry (an exact value, a trie node) sets in a candidate set: a few bit positions, or - when there
/// are many, as for a shared check like <c>host.os.type == "windows"</c> that hundreds of rules need - whole words
/// OR-ed in at once. Immutable.
/// </summary>
internal sealed class RuleMarks
{
    // Above this many bits, OR-ing the covered words is cheaper than setting bits one by one.
    private const int SparseLimit = 8;

    private readonly int[] _bits;
    private readonly ulong[]? _words;
    private readonly int _firstWord;

    private RuleMarks(int[] bits, ulong[]? words, int firstWord)
    {
        _bits = bits;
        _words = words;
        _firstWord = firstWord;
    }

    public static RuleMarks Create(IEnumerable<int> bits)
    {
        var sorted = bits.Distinct().OrderBy(b => b).ToArray();
        if (sorted.Length <= SparseLimit)
        {
            return new RuleMarks(sorted, null, 0);
        }

        var first = sorted[0] >> 6;
        var words = new ulong[(sorted[^1] >> 6) - first + 1];
        foreach (var bit in sorted)
        {
            words[(bit >> 6) - first] |= 1UL << (bit & 63);
        }

        return new RuleMarks(Array.Empty<int>(), words, first);
    }

    public void MarkInto(Span<ulong> candidates)
    {
        if (_words is { } words)
        {
            var target = candidates.Slice(_firstWord, words.Length);
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<ulong>.Count <= words.Length; i += Vector<ulong>.Count)
                {
                    (new Vector<ulong>(target.Slice(i)) | new Vector<ulong>(words, i)).CopyTo(target.Slice(i));
                }
            }

            for (; i < words.Length; i++)
            {
                target[i] |= words[i];
            }

            return;
        }

        foreach (var bit in _bits)
        {
            candidates[bit >> 6] |= 1UL << (bit & 63);
        }
    }
}

/// <summary>A set of rule ids as bits, on the stack of one Match call.</summary>
internal static class CandidateSet
{
    public static int WordsFor(int rules) => (rules + 63) >> 6;
}
