using System;

namespace Rules.Runtime;

/// <summary>
/// The one case fold of the engine's indexes: per UTF-16 unit, ASCII letters to upper case, everything else by
/// <see cref="char.ToUpperInvariant"/>. Rule literals in the index hold any UTF-16 unit but surrogates (the generator
/// turns those into wildcards), and for such a literal character this fold equates every value character that the
/// matchers equate with it by <see cref="StringComparison.OrdinalIgnoreCase"/>, and a few more ('ſ' folds to 'S', which
/// OrdinalIgnoreCase does not equate): a superset, which is all a prefilter needs. On ASCII text it is exactly
/// OrdinalIgnoreCase. Tests check every UTF-16 unit against ASCII literal characters and every pair of units but surrogates.
/// </summary>
public static class CaseFolding
{
    public static char Fold(char c) => c < 0x80 ? (uint)(c - 'a') <= 'z' - 'a' ? (char)(c - 32) : c : char.ToUpperInvariant(c);

    public static string Fold(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Fold(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>The value equals the literal under the fold (same length).</summary>
    public static bool EqualsFolded(ReadOnlySpan<char> value, string literal)
    {
        if (value.Length != literal.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (Fold(value[i]) != Fold(literal[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first index of the literal in the value under the fold, or -1 (a naive search: the reference).</summary>
    public static int IndexOfFolded(ReadOnlySpan<char> value, string literal)
    {
        for (var start = 0; start + literal.Length <= value.Length; start++)
        {
            if (EqualsFolded(value.Slice(start, literal.Length), literal))
            {
                return start;
            }
        }

        return -1;
    }
}
