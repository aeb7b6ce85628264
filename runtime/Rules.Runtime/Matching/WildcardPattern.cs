using System;
using System.Collections.Generic;

namespace Rules.Runtime.Matching;

/// <summary>
/// A precompiled glob: <c>*</c> any run of characters, <c>?</c> one character, every other character literal
/// (a backslash too: the IR's wildcard patterns carry no escapes; a front end that needs a literal <c>*</c> or
/// <c>?</c> lowers to a regex instead). The whole value must match. Compiled once (in a static field of a generated
/// matcher); <see cref="IsMatch"/> never allocates and runs in linear time for patterns without <c>?</c>
/// (prefix, suffix and ordered substring search), and without backtracking blow-ups otherwise.
/// </summary>
public sealed class WildcardPattern
{
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly string[] _middle;
    private readonly bool _hasStar;
    private readonly bool _hasQuestionMark;
    private readonly string _pattern;
    private readonly StringComparison _comparison;
    private readonly bool _ignoreCase;

    public WildcardPattern(string pattern, bool ignoreCase)
    {
        _pattern = pattern;
        _ignoreCase = ignoreCase;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var segments = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*')
            {
                _hasStar = true;
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                if (c == '?')
                {
                    _hasQuestionMark = true;
                }

                current.Append(c);
            }
        }

        segments.Add(current.ToString());
        _prefix = segments[0];
        _suffix = _hasStar ? segments[^1] : string.Empty;
        _middle = _hasStar ? segments.GetRange(1, segments.Count - 2).ToArray() : Array.Empty<string>();
    }

    public string Pattern => _pattern;

    public bool IgnoreCase => _ignoreCase;

    public bool IsMatch(string? value) => value is not null && IsMatch(value.AsSpan());

    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (_hasQuestionMark)
        {
            return MatchesWithSingleCharacterWildcards(value);
        }

        if (!_hasStar)
        {
            return value.Equals(_prefix, _comparison);
        }

        if (value.Length < _prefix.Length + _suffix.Length
            || !value.StartsWith(_prefix, _comparison)
            || !value.EndsWith(_suffix, _comparison))
        {
            return false;
        }

        // Leftmost-first search of each middle segment is exact for '*'-only globs.
        var rest = value.Slice(_prefix.Length, value.Length - _prefix.Length - _suffix.Length);
        foreach (var segment in _middle)
        {
            var index = rest.IndexOf(segment, _comparison);
            if (index < 0)
            {
                return false;
            }

            rest = rest.Slice(index + segment.Length);
        }

        return true;
    }

    // The classic two-pointer glob match with a single backtrack point: O(n*m) worst case, no recursion.
    private bool MatchesWithSingleCharacterWildcards(ReadOnlySpan<char> value)
    {
        var pattern = _pattern.AsSpan();
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
                continue;
            }

            if (p < pattern.Length && MatchesOne(pattern, ref p, value[v]))
            {
                v++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP + 1;
            v = ++starV;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private bool MatchesOne(ReadOnlySpan<char> pattern, ref int p, char c)
    {
        var pc = pattern[p];
        var next = p + 1;
        if (pc == '?')
        {
            p = next;
            return true;
        }

        if (pc == c || (_ignoreCase && char.ToUpperInvariant(pc) == char.ToUpperInvariant(c)))
        {
            p = next;
            return true;
        }

        return false;
    }
}
