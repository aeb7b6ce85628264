using Rules.Language.Schema;
using RuntimeWildcard = Rules.Runtime.Matching.WildcardPattern;

namespace Rules.Tests.Engine;

/// <summary>The runtime's precompiled glob against the plain reference matcher (Glob), on chosen and random cases.</summary>
public class WildcardPatternTests
{
    [Theory]
    [InlineData("?:\\Windows\\Tasks\\*.exe", "C:\\Windows\\Tasks\\evil.exe", true, true)]
    [InlineData("?:\\Windows\\Tasks\\*.exe", "c:\\windows\\tasks\\EVIL.EXE", true, true)]
    [InlineData("?:\\Windows\\Tasks\\*.exe", "c:\\windows\\tasks\\EVIL.EXE", false, false)]
    [InlineData("?:\\Windows\\Tasks\\*.exe", "CD:\\Windows\\Tasks\\a.exe", true, false)]
    [InlineData("*\\a?c\\*", "x\\abc\\y", false, true)]
    [InlineData("*\\a?c\\*", "x\\ac\\y", false, false)]
    [InlineData("a*a?a", "aaaa", false, true)]
    [InlineData("a*a?a", "aaa", false, false)]
    [InlineData("a\\*", "a\\xyz", false, true)]
    [InlineData("abc", "abc", false, true)]
    [InlineData("a?c", "abc", false, true)]
    [InlineData("*", "", false, true)]
    public void Matches_like_the_reference(string pattern, string value, bool ignoreCase, bool expected)
    {
        Assert.Equal(expected, new RuntimeWildcard(pattern, ignoreCase).IsMatch(value));
        Assert.Equal(expected, Glob.IsMatch(pattern, value, ignoreCase));
    }

    [Theory]
    [InlineData("s", "\u017F")]
    [InlineData("?s", "x\u017F")]
    [InlineData("*s", "x\u017F")]
    [InlineData("k?", "\u212Ax")]
    [InlineData("a?k*", "ax\u212Ay")]
    public void Segments_with_and_without_question_marks_fold_case_alike(string pattern, string value)
    {
        // Ordinal ignore-case on both paths: no non-ASCII character equals an ASCII letter (long s, Kelvin sign),
        // where a per-character ToUpperInvariant would make the long s equal 's' in '?' segments only.
        Assert.False(new RuntimeWildcard(pattern, ignoreCase: true).IsMatch(value));
        Assert.True(new RuntimeWildcard(pattern, ignoreCase: true).IsMatch(value.Replace('\u017F', 'S').Replace('\u212A', 'K')));
    }

    [Fact]
    public void Agrees_with_the_reference_on_random_patterns()
    {
        var random = new Random(7);
        const string alphabet = "abAB\\*?";
        for (var i = 0; i < 20_000; i++)
        {
            var pattern = new string(Enumerable.Range(0, random.Next(0, 7)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var value = new string(Enumerable.Range(0, random.Next(0, 9)).Select(_ => alphabet[random.Next(4)]).ToArray());
            var ignoreCase = random.Next(2) == 0;
            Assert.True(
                Glob.IsMatch(pattern, value, ignoreCase) == new RuntimeWildcard(pattern, ignoreCase).IsMatch(value),
                $"pattern '{pattern}' value '{value}' ignoreCase {ignoreCase}");
        }
    }

    [Fact]
    public void Agrees_with_the_reference_on_long_segments_and_non_ascii_values()
    {
        // Several-character segments (the ASCII ignore-case path and the one-string search for middle segments),
        // and values with characters that case-fold near ASCII: Kelvin sign, long s, dotless i, dotted capital I.
        var random = new Random(23);
        const string patternAlphabet = "abkAKs\\.*?*";
        const string valueAlphabet = "abkAKsS\\.\u212A\u017F\u0131\u0130\u00e9";
        for (var i = 0; i < 40_000; i++)
        {
            var pattern = new string(Enumerable.Range(0, random.Next(0, 14)).Select(_ => patternAlphabet[random.Next(patternAlphabet.Length)]).ToArray());
            if (random.Next(4) == 0)
            {
                pattern += "\u00e9";
            }

            var value = random.Next(2) == 0
                ? new string(pattern.Select(c => c is '*' or '?' ? valueAlphabet[random.Next(valueAlphabet.Length)] : random.Next(3) == 0 ? char.ToUpperInvariant(c) : c).ToArray())
                : new string(Enumerable.Range(0, random.Next(0, 16)).Select(_ => valueAlphabet[random.Next(valueAlphabet.Length)]).ToArray());
            var ignoreCase = random.Next(3) != 0;
            Assert.True(
                OrdinalGlob(pattern, value, ignoreCase) == new RuntimeWildcard(pattern, ignoreCase).IsMatch(value),
                $"pattern '{pattern}' value '{value}' (escaped '{Escape(value)}') ignoreCase {ignoreCase}");
        }
    }

    // The runtime's contract: characters compare ordinally, ignoring case as StringComparison.OrdinalIgnoreCase does
    // (Glob in the language layer lowercases instead, which differs on e.g. the Kelvin sign). Backtracking is fine here.
    private static bool OrdinalGlob(string pattern, string value, bool ignoreCase)
    {
        if (pattern.Length == 0)
        {
            return value.Length == 0;
        }

        if (pattern[0] == '*')
        {
            for (var skip = 0; skip <= value.Length; skip++)
            {
                if (OrdinalGlob(pattern.Substring(1), value.Substring(skip), ignoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        return value.Length > 0
            && (pattern[0] == '?' || string.Equals(pattern.Substring(0, 1), value.Substring(0, 1), ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            && OrdinalGlob(pattern.Substring(1), value.Substring(1), ignoreCase);
    }

    private static string Escape(string text) => string.Concat(text.Select(c => c < 0x80 ? c.ToString() : $"\\u{(int)c:X4}"));
}
