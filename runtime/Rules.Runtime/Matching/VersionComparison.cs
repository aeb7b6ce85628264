using System;

namespace Rules.Runtime.Matching;

/// <summary>
/// Ordering of Elasticsearch's <c>version</c> field type (https://www.elastic.co/guide/en/elasticsearch/reference/current/version.html):
/// Semantic Versioning precedence, except that any number of numeric main parts is allowed ("1.2", "1.2.3.4").
/// Main parts compare numerically, part by part (a version that is a prefix of another is lower); a pre-release
/// (<c>-alpha.1</c>) is lower than the release; pre-release identifiers compare numerically when both are numbers,
/// a number is lower than text, text compares ordinally, fewer identifiers are lower; build metadata (<c>+build</c>)
/// does not change precedence, and breaks ties ordinally so the order stays total. Strings that are not valid
/// versions ("bad", "1.2.alpha.4") sort after every valid one and among themselves ordinally. Equality stays exact
/// (a version field is a keyword for term queries). Allocates nothing.
/// </summary>
public static class VersionComparison
{
    /// <summary>Negative, zero or positive as <paramref name="left"/> sorts before, with or after <paramref name="right"/>.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var leftValid = TrySplit(left, out var leftMain, out var leftPre, out var leftBuild);
        var rightValid = TrySplit(right, out var rightMain, out var rightPre, out var rightBuild);
        if (!leftValid || !rightValid)
        {
            return leftValid == rightValid ? string.CompareOrdinal(left, right) : leftValid ? -1 : 1;
        }

        var result = CompareIdentifiers(left.AsSpan(0, leftMain), right.AsSpan(0, rightMain), numericOnly: true);
        if (result != 0)
        {
            return result;
        }

        // A release (no pre-release) is higher than any of its pre-releases.
        if (leftPre.Length == 0 || rightPre.Length == 0)
        {
            result = leftPre.Length == 0 ? (rightPre.Length == 0 ? 0 : 1) : -1;
        }
        else
        {
            result = CompareIdentifiers(left.AsSpan(leftPre.Start, leftPre.Length), right.AsSpan(rightPre.Start, rightPre.Length), numericOnly: false);
        }

        return result != 0
            ? result
            : left.AsSpan(leftBuild.Start, leftBuild.Length).SequenceCompareTo(right.AsSpan(rightBuild.Start, rightBuild.Length));
    }

    /// <summary>True when <paramref name="text"/> is a valid version (it then sorts by precedence).</summary>
    public static bool IsValid(string text) => TrySplit(text, out _, out _, out _);

    private readonly record struct Range(int Start, int Length);

    /// <summary>
    /// main(.main)*[-pre(.pre)*][+build(.build)*]: main parts are digits, identifiers are [0-9A-Za-z-]+, and numeric
    /// identifiers have no leading zero (Semantic Versioning 2.0.0, items 2 and 9).
    /// </summary>
    private static bool TrySplit(string text, out int mainLength, out Range pre, out Range build)
    {
        pre = default;
        build = default;
        var plus = text.IndexOf('+');
        var beforeBuild = plus < 0 ? text.Length : plus;
        var dash = text.IndexOf('-', 0, beforeBuild);
        mainLength = dash < 0 ? beforeBuild : dash;
        if (!ValidParts(text.AsSpan(0, mainLength), mainOnly: true))
        {
            return false;
        }

        if (dash >= 0)
        {
            pre = new Range(dash + 1, beforeBuild - dash - 1);
            if (!ValidParts(text.AsSpan(pre.Start, pre.Length), mainOnly: false))
            {
                return false;
            }
        }

        if (plus >= 0)
        {
            build = new Range(plus + 1, text.Length - plus - 1);
            if (!ValidParts(text.AsSpan(build.Start, build.Length), mainOnly: false, leadingZerosAllowed: true))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ValidParts(ReadOnlySpan<char> parts, bool mainOnly, bool leadingZerosAllowed = false)
    {
        if (parts.Length == 0)
        {
            return false;
        }

        while (true)
        {
            var dot = parts.IndexOf('.');
            var part = dot < 0 ? parts : parts[..dot];
            if (part.Length == 0)
            {
                return false;
            }

            var numeric = true;
            foreach (var c in part)
            {
                var digit = c is >= '0' and <= '9';
                numeric &= digit;
                if (!digit && (mainOnly || !(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '-')))
                {
                    return false;
                }
            }

            if (numeric && !leadingZerosAllowed && part.Length > 1 && part[0] == '0')
            {
                return false;
            }

            if (dot < 0)
            {
                return true;
            }

            parts = parts[(dot + 1)..];
        }
    }

    private static int CompareIdentifiers(ReadOnlySpan<char> left, ReadOnlySpan<char> right, bool numericOnly)
    {
        while (true)
        {
            var leftDot = left.IndexOf('.');
            var rightDot = right.IndexOf('.');
            var leftPart = leftDot < 0 ? left : left[..leftDot];
            var rightPart = rightDot < 0 ? right : right[..rightDot];
            var result = CompareIdentifier(leftPart, rightPart, numericOnly);
            if (result != 0)
            {
                return result;
            }

            if (leftDot < 0 || rightDot < 0)
            {
                // Equal so far: the one with more identifiers is higher.
                return (leftDot < 0 ? 0 : 1) - (rightDot < 0 ? 0 : 1);
            }

            left = left[(leftDot + 1)..];
            right = right[(rightDot + 1)..];
        }
    }

    private static int CompareIdentifier(ReadOnlySpan<char> left, ReadOnlySpan<char> right, bool numericOnly)
    {
        var leftNumeric = numericOnly || IsDigits(left);
        var rightNumeric = numericOnly || IsDigits(right);
        if (leftNumeric && rightNumeric)
        {
            // Digits without leading zeros (checked): longer is larger, equal lengths compare digit by digit.
            return left.Length != right.Length ? left.Length.CompareTo(right.Length) : left.SequenceCompareTo(right);
        }

        if (leftNumeric != rightNumeric)
        {
            return leftNumeric ? -1 : 1;
        }

        return left.SequenceCompareTo(right);
    }

    private static bool IsDigits(ReadOnlySpan<char> part)
    {
        foreach (var c in part)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
