using System;
using System.Collections.Generic;
using System.Linq;

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

    // Ignore-case and an all-ASCII pattern: segments compare with AsciiCase (exact, faster than the general path),
    // and each middle segment without '?' is found with a one-string SearchValues search.
    private readonly bool _asciiIgnoreCase;
    private readonly System.Buffers.SearchValues<string>?[] _middleSearches;

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
        _asciiIgnoreCase = ignoreCase && System.Text.Ascii.IsValid(pattern);
        _middleSearches = _middle
            .Select(m => _asciiIgnoreCase && m.Length > 0 && m.IndexOf('?') < 0 ? System.Buffers.SearchValues.Create([m], StringComparison.OrdinalIgnoreCase) : null)
            .ToArray();
    }

    public string Pattern => _pattern;

    public bool IgnoreCase => _ignoreCase;

    public bool IsMatch(string? value) => value is not null && IsMatch(value.AsSpan());

    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (!_hasStar)
        {
            return value.Length == _prefix.Length && SegmentEquals(value, _prefix);
        }

        if (value.Length < _prefix.Length + _suffix.Length
            || !SegmentEquals(value.Slice(0, _prefix.Length), _prefix)
            || !SegmentEquals(value.Slice(value.Length - _suffix.Length), _suffix))
        {
            return false;
        }

        // Leftmost-first search of each middle segment is exact when '*' is the only variable-length wildcard
        // ('?' inside a segment matches exactly one character, so segments have fixed lengths).
        var rest = value.Slice(_prefix.Length, value.Length - _prefix.Length - _suffix.Length);
        for (var m = 0; m < _middle.Length; m++)
        {
            var segment = _middle[m];
            var index = _middleSearches[m] is { } search ? rest.IndexOfAny(search) : IndexOfSegment(rest, segment);
            if (index < 0)
            {
                return false;
            }

            rest = rest.Slice(index + segment.Length);
        }

        return true;
    }

    // Equal length assumed; '?' in the segment matches any one character. The literal runs between '?'s compare
    // with the same ordinal (ignore-case) comparison as a segment without '?', so both paths agree on every character.
    private bool SegmentEquals(ReadOnlySpan<char> value, string segment)
    {
        if (!_hasQuestionMark)
        {
            return RunEquals(value, segment);
        }

        var pattern = segment.AsSpan();
        while (pattern.Length > 0)
        {
            var wildcard = pattern.IndexOf('?');
            var run = wildcard < 0 ? pattern.Length : wildcard;
            if (!RunEquals(value.Slice(0, run), pattern.Slice(0, run)))
            {
                return false;
            }

            var consumed = wildcard < 0 ? run : run + 1;
            value = value.Slice(consumed);
            pattern = pattern.Slice(consumed);
        }

        return true;
    }

    // Equal lengths: the pattern's comparison, by the ASCII path when it is exact.
    private bool RunEquals(ReadOnlySpan<char> value, ReadOnlySpan<char> literal) =>
        _asciiIgnoreCase ? AsciiCase.EqualLengthEqualsIgnoreCase(value, literal) : value.Equals(literal, _comparison);

    private int IndexOfSegment(ReadOnlySpan<char> value, string segment)
    {
        if (!_hasQuestionMark || segment.IndexOf('?') < 0)
        {
            return value.IndexOf(segment, _comparison);
        }

        for (var start = 0; start + segment.Length <= value.Length; start++)
        {
            if (SegmentEquals(value.Slice(start, segment.Length), segment))
            {
                return start;
            }
        }

        return -1;
    }
}
