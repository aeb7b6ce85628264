using System;
using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rules.Runtime.Matching;

/// <summary>
/// Any-of over a list of globs on one field, compiled so that a long list costs about one lookup instead of one
/// match per pattern. Exactly the same answers as trying each <see cref="WildcardPattern"/> in turn (the tests check
/// it on random inputs): the structures below only pick candidates, and every candidate is confirmed with its own
/// <see cref="WildcardPattern.IsMatch(ReadOnlySpan{char})"/>.
/// <list type="bullet">
/// <item>Patterns without wildcards: one frozen-set lookup.</item>
/// <item>Patterns with a literal ASCII head (the part before the first <c>*</c>, <c>?</c> included as "any one
/// character") or tail (after the last <c>*</c>): a trie walked from the value's start, or from its end, so only
/// patterns whose head (tail) agrees with the value are tried. A pattern is filed under whichever of the two has
/// more literal characters.</item>
/// <item>The rest (<c>*foo*</c>): each needs a literal ASCII run somewhere; one vectorised search for all of
/// those runs decides whether any of them can match at all.</item>
/// </list>
/// Why ASCII keys are exact under ignore-case: the project's case-insensitive comparison is ordinal ignore-case,
/// under which no non-ASCII character equals an ASCII one (checked over the whole BMP), so folding ASCII letters is
/// all a key needs. Keys stop at the first non-ASCII pattern character. Nothing here allocates after construction.
/// </summary>
public sealed class WildcardSet
{
    private readonly bool _ignoreCase;
    private readonly bool _hasExact;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly TrieNode? _heads;
    private readonly TrieNode? _tails;
    private readonly WildcardPattern[] _unkeyed;
    private readonly SearchValues<string>? _unkeyedLiterals;
    private readonly WildcardPattern[] _unfiltered;

    public WildcardSet(bool ignoreCase, params string[] patterns)
    {
        _ignoreCase = ignoreCase;
        Count = patterns.Length;
        var exact = new List<string>();
        var heads = new TrieBuilder();
        var tails = new TrieBuilder();
        var unkeyed = new List<WildcardPattern>();
        var literals = new List<string>();
        var unfiltered = new List<WildcardPattern>();
        foreach (var text in patterns)
        {
            if (text.IndexOfAny(WildcardChars) < 0)
            {
                exact.Add(text);
                continue;
            }

            var pattern = new WildcardPattern(text, ignoreCase);
            var firstStar = text.IndexOf('*');
            var lastStar = text.LastIndexOf('*');
            var head = AsciiKey(firstStar < 0 ? text : text.Substring(0, firstStar));
            var tail = firstStar < 0 ? string.Empty : Reverse(AsciiKey(Reverse(text.Substring(lastStar + 1))));
            var headLiterals = LiteralCount(head);
            var tailLiterals = LiteralCount(tail);
            if (headLiterals > 0 && headLiterals >= tailLiterals)
            {
                heads.Add(Fold(head), pattern);
            }
            else if (tailLiterals > 0)
            {
                tails.Add(Reverse(Fold(tail)), pattern);
            }
            else if (LongestAsciiLiteral(text) is { Length: > 0 } literal)
            {
                unkeyed.Add(pattern);
                literals.Add(literal);
            }
            else
            {
                unfiltered.Add(pattern);
            }
        }

        var comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _hasExact = exact.Count > 0;
        _exact = exact.ToFrozenSet(comparer).GetAlternateLookup<ReadOnlySpan<char>>();
        _heads = heads.Build(reversed: false);
        _tails = tails.Build(reversed: true);
        _unkeyed = unkeyed.ToArray();
        _unkeyedLiterals = literals.Count > 0
            ? SearchValues.Create(literals.Distinct(StringComparer.Ordinal).ToArray(), ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            : null;
        _unfiltered = unfiltered.ToArray();
    }

    /// <summary>How many patterns the set was built from.</summary>
    public int Count { get; }

    public bool IsMatch(string? value) => value is not null && IsMatch(value.AsSpan());

    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (_hasExact && _exact.Contains(value))
        {
            return true;
        }

        if (_heads is not null && MatchHeads(_heads, value, 0))
        {
            return true;
        }

        if (_tails is not null && MatchTails(_tails, value, value.Length - 1))
        {
            return true;
        }

        if (_unkeyedLiterals is not null && value.IndexOfAny(_unkeyedLiterals) >= 0)
        {
            foreach (var pattern in _unkeyed)
            {
                if (pattern.IsMatch(value))
                {
                    return true;
                }
            }
        }

        foreach (var pattern in _unfiltered)
        {
            if (pattern.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    // Walks the value from its start; every pattern whose whole head key agrees with the value is confirmed.
    private bool MatchHeads(TrieNode node, ReadOnlySpan<char> value, int position)
    {
        while (true)
        {
            // A chain of single-child nodes is one run of key characters, compared at once.
            var run = node.Run;
            if (run.Length > 0)
            {
                if (value.Length - position < run.Length || !RunEquals(value.Slice(position, run.Length), run))
                {
                    return false;
                }

                position += run.Length;
            }

            foreach (var pattern in node.Patterns)
            {
                if (pattern.IsMatch(value))
                {
                    return true;
                }
            }

            if (position >= value.Length)
            {
                return false;
            }

            if (node.AnyChar is { } any && MatchHeads(any, value, position + 1))
            {
                return true;
            }

            var edge = EdgeOf(node.Edges, FoldChar(value[position]));
            if (edge < 0)
            {
                return false;
            }

            node = node.Children[edge];
            position++;
        }
    }

    // The mirror image: walks the value from its end along reversed tail keys.
    private bool MatchTails(TrieNode node, ReadOnlySpan<char> value, int position)
    {
        while (true)
        {
            var run = node.Run;
            if (run.Length > 0)
            {
                // The run is kept in text order: it ends at the current position.
                if (position + 1 < run.Length || !RunEquals(value.Slice(position + 1 - run.Length, run.Length), run))
                {
                    return false;
                }

                position -= run.Length;
            }

            foreach (var pattern in node.Patterns)
            {
                if (pattern.IsMatch(value))
                {
                    return true;
                }
            }

            if (position < 0)
            {
                return false;
            }

            if (node.AnyChar is { } any && MatchTails(any, value, position - 1))
            {
                return true;
            }

            var edge = EdgeOf(node.Edges, FoldChar(value[position]));
            if (edge < 0)
            {
                return false;
            }

            node = node.Children[edge];
            position--;
        }
    }

    // A run holds folded ASCII key characters (never '?'). Under ignore-case a value character agrees with one exactly
    // when FoldChar maps it there: ASCII letters in either case, any other ASCII character itself, a non-ASCII
    // character never (AsciiCase is false for any non-ASCII character) - the per-character edge test, at once.
    private bool RunEquals(ReadOnlySpan<char> value, string run) =>
        _ignoreCase ? AsciiCase.EqualLengthEqualsIgnoreCase(value, run) : value.SequenceEqual(run);

    // A node has a handful of edges: a plain loop beats a vectorised search's setup.
    private static int EdgeOf(string edges, char c)
    {
        for (var i = 0; i < edges.Length; i++)
        {
            if (edges[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    // ASCII letters fold to upper case under ignore-case; any other character is itself (a non-ASCII value
    // character then finds no edge, all edges being ASCII, which is right: it equals no ASCII character).
    private char FoldChar(char c) => _ignoreCase && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

    private string Fold(string key)
    {
        if (!_ignoreCase)
        {
            return key;
        }

        var chars = key.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = FoldChar(chars[i]);
        }

        return new string(chars);
    }

    private static readonly char[] WildcardChars = { '*', '?' };

    /// <summary>The leading run of ASCII characters ('?' included: it stands for any one character).</summary>
    private static string AsciiKey(string part)
    {
        var length = 0;
        while (length < part.Length && part[length] < 0x80)
        {
            length++;
        }

        return part.Substring(0, length);
    }

    private static int LiteralCount(string key)
    {
        var count = 0;
        foreach (var c in key)
        {
            if (c != '?')
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The longest run of ASCII characters without wildcards: every match contains it.</summary>
    private static string LongestAsciiLiteral(string pattern)
    {
        var best = string.Empty;
        var start = 0;
        for (var i = 0; i <= pattern.Length; i++)
        {
            if (i == pattern.Length || pattern[i] == '*' || pattern[i] == '?' || pattern[i] >= 0x80)
            {
                if (i - start > best.Length)
                {
                    best = pattern.Substring(start, i - start);
                }

                start = i + 1;
            }
        }

        return best;
    }

    private static string Reverse(string text)
    {
        var chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    private sealed class TrieNode
    {
        public TrieNode(string run, string edges, TrieNode[] children, TrieNode? anyChar, WildcardPattern[] patterns)
        {
            Run = run;
            Edges = edges;
            Children = children;
            AnyChar = anyChar;
            Patterns = patterns;
        }

        /// <summary>Key characters every value reaching this node must continue with (in text order) before its
        /// patterns and edges apply: a chain of nodes with one child each, no '?' and no pattern, folded into one.</summary>
        public string Run { get; }

        /// <summary>The (folded) characters with a child, parallel to <see cref="Children"/>.</summary>
        public string Edges { get; }

        public TrieNode[] Children { get; }

        /// <summary>The child for a '?' in the key: any one character.</summary>
        public TrieNode? AnyChar { get; }

        /// <summary>Patterns whose key ends here.</summary>
        public WildcardPattern[] Patterns { get; }
    }

    private sealed class TrieBuilder
    {
        private readonly SortedDictionary<char, TrieBuilder> _children = new();
        private readonly List<WildcardPattern> _patterns = new();
        private bool _empty = true;

        public void Add(string key, WildcardPattern pattern)
        {
            _empty = false;
            var node = this;
            foreach (var c in key)
            {
                if (!node._children.TryGetValue(c, out var child))
                {
                    child = new TrieBuilder();
                    node._children[c] = child;
                }

                node = child;
            }

            node._patterns.Add(pattern);
        }

        /// <param name="reversed">Keys are reversed (tails): runs are stored back in text order.</param>
        public TrieNode? Build(bool reversed) => _empty ? null : Freeze(reversed);

        private TrieNode Freeze(bool reversed)
        {
            // Follow single-child chains (no pattern ends inside, no '?' edge) into one run.
            var run = new System.Text.StringBuilder();
            var node = this;
            while (node._patterns.Count == 0 && node._children.Count == 1 && node._children.Keys.First() is var only && only != '?')
            {
                run.Append(only);
                node = node._children[only];
            }

            var runText = run.ToString();
            if (reversed)
            {
                runText = Reverse(runText);
            }

            var edges = new List<char>();
            var children = new List<TrieNode>();
            TrieNode? anyChar = null;
            foreach (var (c, child) in node._children)
            {
                if (c == '?')
                {
                    anyChar = child.Freeze(reversed);
                }
                else
                {
                    edges.Add(c);
                    children.Add(child.Freeze(reversed));
                }
            }

            return new TrieNode(runText, new string(edges.ToArray()), children.ToArray(), anyChar, node._patterns.ToArray());
        }
    }
}
