using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Rules.Runtime.Matching;

/// <summary>Factories for the value sets generated matchers use for long lists of exact values.</summary>
public static class StringSets
{
    public static FrozenSet<string> Create(bool ignoreCase, params string[] values) =>
        values.ToFrozenSet(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
}

/// <summary>Any-of over a list of precompiled wildcard patterns.</summary>
public sealed class WildcardPatternSet
{
    private readonly WildcardPattern[] _patterns;

    public WildcardPatternSet(bool ignoreCase, params string[] patterns)
    {
        _patterns = new WildcardPattern[patterns.Length];
        for (var i = 0; i < patterns.Length; i++)
        {
            _patterns[i] = new WildcardPattern(patterns[i], ignoreCase);
        }
    }

    public int Count => _patterns.Length;

    public bool IsMatch(string? value)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(value.AsSpan()))
            {
                return true;
            }
        }

        return false;
    }
}
