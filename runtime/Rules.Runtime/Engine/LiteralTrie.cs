using System;
using System.Collections.Generic;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// A compressed trie (radix tree) of case-folded literals (<see cref="CaseFolding"/>), each with the candidate bits of
/// the rules it stands for. A walk along a value from a position marks, in a bit set over rule ids, the rules of every
/// literal the value spells from there: the prefix index walks forward from an offset, the suffix index walks backward
/// from the end (its literals added reversed), the contains index walks forward from each position where a literal was
/// found.
/// Chains of characters with no literal ending inside and no branching are one edge, compared at once (vectorised on
/// ASCII text): paths share long heads (<c>C:\Windows\System32\</c>, <c>HKLM\SOFTWARE\Microsoft\Windows\</c>) that a
/// character-by-character walk would step through one lookup at a time. Immutable after <see cref="Builder.Build"/>;
/// walks allocate nothing.
/// </summary>
internal sealed class LiteralTrie
{
    // Node n's edges, sorted by the folded character read first: that character, the edge's folded label in text order
    // (read forward or, for a backward trie, from its end), the node the edge leads to. The rules whose literal ends at n.
    private readonly char[][] _firstChars;
    private readonly string[][] _labels;
    private readonly int[][] _targets;
    private readonly RuleMarks?[] _rules;
    private readonly bool _backward;

    // Nodes with many edges (the roots of large tries, walked for every value) find an ASCII edge by table:
    // _asciiEdges[node][c] is the edge's index + 1, 0 for none.
    private const int TableFrom = 8;
    private readonly int[]?[] _asciiEdges;

    private LiteralTrie(char[][] firstChars, string[][] labels, int[][] targets, RuleMarks?[] rules, bool backward)
    {
        _firstChars = firstChars;
        _labels = labels;
        _targets = targets;
        _rules = rules;
        _backward = backward;
        _asciiEdges = new int[]?[firstChars.Length];
        for (var n = 0; n < firstChars.Length; n++)
        {
            if (firstChars[n].Length >= TableFrom)
            {
                var table = new int[128];
                for (var k = 0; k < firstChars[n].Length; k++)
                {
                    if (firstChars[n][k] < 128)
                    {
                        table[firstChars[n][k]] = k + 1;
                    }
                }

                _asciiEdges[n] = table;
            }
        }
    }

    public int NodeCount => _firstChars.Length;

    /// <summary>Marks the rules of every literal that <paramref name="value"/> spells from <paramref name="start"/>:
    /// reading forward, or for a backward trie (suffixes) backward from <paramref name="start"/> - 1.</summary>
    public void Walk(ReadOnlySpan<char> value, int start, Span<ulong> candidates)
    {
        var node = 0;
        var i = _backward ? start - 1 : start;
        while ((uint)i < (uint)value.Length)
        {
            var edge = FindEdge(node, CaseFolding.Fold(value[i]));
            if (edge < 0)
            {
                return;
            }

            var label = _labels[node][edge];
            if (label.Length > 1)
            {
                // The label in text order: it starts at i going forward, ends at i going backward.
                var from = _backward ? i - label.Length + 1 : i;
                if (from < 0 || from + label.Length > value.Length || !EqualsFolded(value.Slice(from, label.Length), label))
                {
                    return;
                }
            }

            i += _backward ? -label.Length : label.Length;
            node = _targets[node][edge];
            _rules[node]?.MarkInto(candidates);
        }
    }

    private int FindEdge(int node, char folded)
    {
        if (folded < 128 && _asciiEdges[node] is { } table)
        {
            return table[folded] - 1;
        }

        var keys = _firstChars[node];
        for (var k = 0; k < keys.Length; k++)
        {
            if (keys[k] == folded)
            {
                return k;
            }
        }

        return -1;
    }

    // The label is folded. On ASCII text the fold is OrdinalIgnoreCase, which the vectorised comparison does; text with
    // other characters (which may fold onto ASCII ones: 'ſ' onto 'S') is compared character by character.
    private static bool EqualsFolded(ReadOnlySpan<char> text, string label) =>
        Ascii.EqualsIgnoreCase(text, label) || (!Ascii.IsValid(text) && CaseFolding.EqualsFolded(text, label));

    internal sealed class Builder
    {
        private readonly List<SortedDictionary<char, int>> _children = new() { new SortedDictionary<char, int>() };
        private readonly List<SortedSet<int>> _rules = new() { new SortedSet<int>() };
        private bool? _reversed;

        public bool IsEmpty => _children.Count == 1;

        /// <summary>Adds a non-empty literal (folded here), read backward when <paramref name="reversed"/>; every
        /// literal of one trie is read the same way.</summary>
        public void Add(string literal, bool reversed, int rule)
        {
            if (_reversed is { } direction && direction != reversed)
            {
                throw new ArgumentException("Every literal of one trie is read in the same direction.", nameof(reversed));
            }

            _reversed = reversed;
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

        /// <summary>The compressed trie: a node of the character trie survives when a literal ends there, it branches,
        /// or it is the root; the chain from one survivor to the next is one edge.</summary>
        public LiteralTrie Build()
        {
            var backward = _reversed == true;
            var numbers = new Dictionary<int, int> { [0] = 0 };
            var order = new List<int> { 0 };
            var firstChars = new List<char[]>();
            var labels = new List<string[]>();
            var targets = new List<int[]>();
            var rules = new List<RuleMarks?>();
            for (var next = 0; next < order.Count; next++)
            {
                var node = order[next];
                var keys = new List<char>();
                var nodeLabels = new List<string>();
                var nodeTargets = new List<int>();
                foreach (var pair in _children[node])
                {
                    var chain = new StringBuilder().Append(pair.Key);
                    var end = pair.Value;
                    while (_rules[end].Count == 0 && _children[end].Count == 1)
                    {
                        foreach (var only in _children[end])
                        {
                            chain.Append(only.Key);
                            end = only.Value;
                        }
                    }

                    if (!numbers.TryGetValue(end, out var number))
                    {
                        numbers[end] = number = order.Count;
                        order.Add(end);
                    }

                    var reading = chain.ToString();
                    keys.Add(pair.Key);
                    nodeLabels.Add(backward ? Reverse(reading) : reading);
                    nodeTargets.Add(number);
                }

                firstChars.Add(keys.ToArray());
                labels.Add(nodeLabels.ToArray());
                targets.Add(nodeTargets.ToArray());
                rules.Add(_rules[node].Count == 0 ? null : RuleMarks.Create(_rules[node]));
            }

            return new LiteralTrie(firstChars.ToArray(), labels.ToArray(), targets.ToArray(), rules.ToArray(), backward);
        }

        private static string Reverse(string text)
        {
            var chars = text.ToCharArray();
            Array.Reverse(chars);
            return new string(chars);
        }
    }
}
