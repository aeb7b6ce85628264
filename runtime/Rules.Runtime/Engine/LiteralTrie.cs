using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// A trie of case-folded literals (<see cref="CaseFolding"/>), each with the candidate bits of the rules it stands for. A walk
/// along a value from a position marks, in a bit set over rule ids, the rules of every literal the value spells from
/// there: the prefix index walks forward from an offset, the suffix index walks backward from the end over reversed
/// literals, the contains index walks forward from each position where a literal was found. Immutable after
/// <see cref="Builder.Build"/>; walks allocate nothing.
/// </summary>
internal sealed class LiteralTrie
{
    // Node n: its children's folded characters (sorted), the children's node numbers, the rules whose literal ends here.
    private readonly char[][] _keys;
    private readonly int[][] _children;
    private readonly RuleMarks?[] _rules;

    // Nodes with many children (the roots of large tries, walked for every value) find an ASCII child by table:
    // _asciiChildren[node][c] is the child's node number + 1, 0 for none.
    private const int TableFrom = 8;
    private readonly int[]?[] _asciiChildren;

    private LiteralTrie(char[][] keys, int[][] children, RuleMarks?[] rules)
    {
        _keys = keys;
        _children = children;
        _rules = rules;
        _asciiChildren = new int[]?[keys.Length];
        for (var n = 0; n < keys.Length; n++)
        {
            if (keys[n].Length >= TableFrom)
            {
                var table = new int[128];
                for (var k = 0; k < keys[n].Length; k++)
                {
                    if (keys[n][k] < 128)
                    {
                        table[keys[n][k]] = children[n][k] + 1;
                    }
                }

                _asciiChildren[n] = table;
            }
        }
    }

    public int NodeCount => _keys.Length;

    /// <summary>Marks the rules of every literal that <paramref name="value"/> spells from <paramref name="start"/>,
    /// reading forward (<paramref name="backward"/> false) or backward from <paramref name="start"/> - 1.</summary>
    public void Walk(ReadOnlySpan<char> value, int start, bool backward, Span<ulong> candidates)
    {
        var node = 0;
        var step = backward ? -1 : 1;
        for (var i = backward ? start - 1 : start; (uint)i < (uint)value.Length; i += step)
        {
            var folded = CaseFolding.Fold(value[i]);
            if (folded < 128 && _asciiChildren[node] is { } table)
            {
                node = table[folded] - 1;
                if (node < 0)
                {
                    return;
                }
            }
            else
            {
                var index = Array.IndexOf(_keys[node], folded);
                if (index < 0)
                {
                    return;
                }

                node = _children[node][index];
            }

            _rules[node]?.MarkInto(candidates);
        }
    }

    internal sealed class Builder
    {
        private readonly List<SortedDictionary<char, int>> _children = new() { new SortedDictionary<char, int>() };
        private readonly List<SortedSet<int>> _rules = new() { new SortedSet<int>() };

        public bool IsEmpty => _children.Count == 1;

        /// <summary>Adds a non-empty literal (folded here), read backward when <paramref name="reversed"/>.</summary>
        public void Add(string literal, bool reversed, int rule)
        {
            var node = 0;
            for (var k = 0; k < literal.Length; k++)
            {
                var c = CaseFolding.Fold(literal[reversed ? literal.Length - 1 - k : k]);
                if (!_children[node].TryGetValue(c, out var child))
                {
                    child = _children.Count;
                    _children.Add(new SortedDictionary<char, int>());
                    _rules.Add(new SortedSet<int>());
                    _children[node][c] = child;
                }

                node = child;
            }

            _rules[node].Add(rule);
        }

        public LiteralTrie Build()
        {
            var keys = new char[_children.Count][];
            var children = new int[_children.Count][];
            var rules = new RuleMarks?[_children.Count];
            for (var n = 0; n < _children.Count; n++)
            {
                keys[n] = new List<char>(_children[n].Keys).ToArray();
                children[n] = new List<int>(_children[n].Values).ToArray();
                rules[n] = _rules[n].Count == 0 ? null : RuleMarks.Create(_rules[n]);
            }

            return new LiteralTrie(keys, children, rules);
        }
    }
}
