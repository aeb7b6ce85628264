using System;
using System.Globalization;
using System.Linq;
using Rules.Language.Analysis;

namespace Rules.Runtime.Matching;

/// <summary>
/// Matching on <c>text</c> / <c>match_only_text</c> fields as Elasticsearch's <c>standard</c> analyzer sees them:
/// the event's value is cut into tokens on the fly (Unicode UAX #29 word boundaries, tokens split at 255
/// characters) and compared case-insensitively against tokens the compiler already analysed (lowercase). The
/// tokenizer walks the text like Rules.Language.Analysis.StandardAnalyzer, with the same word-break rules (one source
/// file, WordBreakRules.cs, linked into both assemblies); a test checks that both cut the same tokens.
/// Nothing here allocates.
/// </summary>
public static class TextAnalysis
{
    public const int MaxTokenLength = 255;

    /// <summary>Every token of <paramref name="analysedTokens"/> occurs in the text (a match query with operator
    /// AND; the compiler lowers KQL's default OR into one call per token). No tokens: false (zero_terms_query none).</summary>
    public static bool ContainsAllTokens(string? text, string[] analysedTokens)
    {
        if (text is null || analysedTokens.Length == 0)
        {
            return false;
        }

        if (analysedTokens.Length > 64)
        {
            foreach (var expected in analysedTokens)
            {
                if (!ContainsToken(text, expected))
                {
                    return false;
                }
            }

            return true;
        }

        var wanted = analysedTokens.Length == 64 ? ulong.MaxValue : (1UL << analysedTokens.Length) - 1;
        var found = 0UL;
        var span = text.AsSpan();
        var position = 0;
        while (NextToken(span, ref position, out var start, out var length))
        {
            var token = span.Slice(start, length);
            for (var i = 0; i < analysedTokens.Length; i++)
            {
                if ((found & (1UL << i)) == 0 && TokenEquals(token, analysedTokens[i]))
                {
                    found |= 1UL << i;
                }
            }

            if (found == wanted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Some token of <paramref name="analysedTokens"/> occurs in the text: one tokenization for a KQL
    /// <c>field:(a or b or c)</c> on a text field, where one call per word would tokenize the text once per word.</summary>
    public static bool ContainsAnyToken(string? text, string[] analysedTokens)
    {
        if (text is null || analysedTokens.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        var position = 0;
        while (NextToken(span, ref position, out var start, out var length))
        {
            var token = span.Slice(start, length);
            foreach (var expected in analysedTokens)
            {
                if (TokenEquals(token, expected))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The tokens occur consecutively and in order (match_phrase, slop 0). No tokens: false.</summary>
    public static bool ContainsPhrase(string? text, string[] analysedTokens)
    {
        if (text is null || analysedTokens.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        var position = 0;
        while (NextToken(span, ref position, out var start, out var length))
        {
            if (!TokenEquals(span.Slice(start, length), analysedTokens[0]))
            {
                continue;
            }

            var follow = position;
            var matched = 1;
            while (matched < analysedTokens.Length && NextToken(span, ref follow, out var nextStart, out var nextLength) &&
                   TokenEquals(span.Slice(nextStart, nextLength), analysedTokens[matched]))
            {
                matched++;
            }

            if (matched == analysedTokens.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Some token matches the lowercase glob <paramref name="analysedPattern"/> (<c>*</c> any run,
    /// <c>?</c> one character): a wildcard query on a text field, whose terms are the tokens.</summary>
    public static bool AnyTokenMatchesWildcard(string? text, string analysedPattern)
    {
        if (text is null)
        {
            return false;
        }

        var span = text.AsSpan();
        var position = 0;
        while (NextToken(span, ref position, out var start, out var length))
        {
            if (GlobMatchesLowercased(analysedPattern, span.Slice(start, length)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsToken(string text, string expected)
    {
        var span = text.AsSpan();
        var position = 0;
        while (NextToken(span, ref position, out var start, out var length))
        {
            if (TokenEquals(span.Slice(start, length), expected))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The token, lowercased character by character, equals the analysed token.</summary>
    public static bool TokenEquals(ReadOnlySpan<char> token, string analysedToken)
    {
        if (token.Length != analysedToken.Length)
        {
            return false;
        }

        for (var i = 0; i < token.Length; i++)
        {
            if (char.ToLowerInvariant(token[i]) != analysedToken[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool GlobMatchesLowercased(string pattern, ReadOnlySpan<char> value)
    {
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == char.ToLowerInvariant(value[v])))
            {
                p++;
                v++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    // ------------------------------------------------------------------ the tokenizer (word-break rules shared with StandardAnalyzer)

    /// <summary>Finds the next token at or after <paramref name="position"/>; false at the end of the text.</summary>
    public static bool NextToken(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        while (position < text.Length)
        {
            var cls = Classify(text, position, out var width);
            if (cls == WordBreakClass.Ideographic)
            {
                start = position;
                position += width;
                position = SkipExtend(text, position, start + MaxTokenLength);
                length = position - start;
                return true;
            }

            if (!WordBreakRules.IsWordStart(cls))
            {
                position += width;
                continue;
            }

            start = position;
            var limit = start + MaxTokenLength;
            var last = cls;
            var hasCore = cls != WordBreakClass.ExtendNumLet;
            var end = SkipExtend(text, position + width, limit);
            while (end < text.Length && end < limit)
            {
                var next = Classify(text, end, out var nextWidth);
                if (end + nextWidth > limit)
                {
                    break;
                }

                if (WordBreakRules.Joins(last, next))
                {
                    last = next;
                    hasCore |= next != WordBreakClass.ExtendNumLet;
                    end = SkipExtend(text, end + nextWidth, limit);
                    continue;
                }

                if (WordBreakRules.IsMidFor(last, next))
                {
                    var after = SkipExtend(text, end + nextWidth, limit);
                    if (after < text.Length && after < limit)
                    {
                        var following = Classify(text, after, out var followingWidth);
                        if (following == last && after + followingWidth <= limit)
                        {
                            end = SkipExtend(text, after + followingWidth, limit);
                            continue;
                        }
                    }
                }

                break;
            }

            position = end;
            if (hasCore)
            {
                length = end - start;
                return true;
            }
        }

        start = position;
        length = 0;
        return false;
    }

    /// <summary>A test of one ASCII token (with <c>follow</c>, the position after it, for tests that read on).</summary>
    public interface IAsciiTokenTest
    {
        bool Matches(ReadOnlySpan<char> text, ReadOnlySpan<char> token, int follow);
    }

    /// <summary>
    /// Whether some token of an all-ASCII <paramref name="text"/> passes <paramref name="test"/>, when only a token
    /// starting where one of <paramref name="hits"/> occurs (ordinal ignore-case) can pass. Only the tokens around each
    /// hit are read: a token equal to a word starts where that word occurs as a substring, and tokenizing may resume just
    /// after any separator (an ASCII character of no word-break class is never inside a token, and full tokenization
    /// passes through the position after it with nothing carried over), so each hit costs the tokens of its own run of
    /// text, not of the text before it. A struct test keeps the call direct (no delegate on the hot path).
    /// </summary>
    public static bool AnyAsciiTokenAtHits<TTest>(ReadOnlySpan<char> text, System.Buffers.SearchValues<string> hits, TTest test)
        where TTest : struct, IAsciiTokenTest
    {
        var position = 0;
        while (true)
        {
            var found = text.Slice(position).IndexOfAny(hits);
            if (found < 0)
            {
                return false;
            }

            var hit = position + found;
            if (hit > position && AsciiClasses[text[hit - 1] & 0x7F] == WordBreakClass.Other)
            {
                // The common case: the hit follows a separator, and tokenizing resumes right at it.
                position = hit;
            }
            else
            {
                var separator = text.Slice(position, hit - position).LastIndexOfAny(AsciiSeparators);
                if (separator >= 0)
                {
                    position += separator + 1;
                }
            }

            while (true)
            {
                if (!NextAsciiToken(text, ref position, out var start, out var length))
                {
                    return false;
                }

                if (test.Matches(text, text.Slice(start, length), position))
                {
                    return true;
                }

                if (start >= hit)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// <see cref="NextToken"/> for a text known to be all ASCII (the caller checked, e.g. with
    /// <see cref="System.Text.Ascii.IsValid(ReadOnlySpan{char})"/>): the same rules with the ASCII classes read from
    /// a table. ASCII has no Extend, Katakana, ideographic or complex-context characters, every character is one
    /// UTF-16 unit, and letters, digits and '_' all join one another, which leaves only the MidLetter / MidNum rules.
    /// </summary>
    public static bool NextAsciiToken(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        while (position < text.Length)
        {
            var cls = AsciiClasses[text[position] & 0x7F];
            if (cls is not (WordBreakClass.ALetter or WordBreakClass.Numeric or WordBreakClass.ExtendNumLet))
            {
                position++;
                continue;
            }

            start = position;
            var limit = Math.Min(start + MaxTokenLength, text.Length);
            var hasCore = cls != WordBreakClass.ExtendNumLet;
            var end = position + 1;
            while (true)
            {
                // A run of letters, digits and '_' (which always join), one table lookup per character.
                while (end < limit && AsciiWordCharacter[text[end] & 0x7F] != 0)
                {
                    hasCore |= text[end] != '_';
                    end++;
                }

                // A letter/number, a Mid character, and the same class again: the Mid character joins (WB6/7, WB11/12).
                if (end + 1 < limit)
                {
                    var last = AsciiClasses[text[end - 1] & 0x7F];
                    if (WordBreakRules.IsMidFor(last, AsciiClasses[text[end] & 0x7F]) && AsciiClasses[text[end + 1] & 0x7F] == last)
                    {
                        end += 2;
                        continue;
                    }
                }

                break;
            }

            position = end;
            if (hasCore)
            {
                length = end - start;
                return true;
            }
        }

        start = position;
        length = 0;
        return false;
    }

    /// <summary>Whether the ASCII tokens from <paramref name="follow"/> on are <paramref name="phrase"/>'s words after its
    /// first, in order (the caller has matched the first word; match_phrase, slop 0).</summary>
    public static bool AsciiPhraseContinues(ReadOnlySpan<char> text, int follow, string[] phrase)
    {
        for (var matched = 1; matched < phrase.Length; matched++)
        {
            if (!NextAsciiToken(text, ref follow, out var start, out var length) || !AsciiTokenEquals(text.Slice(start, length), phrase[matched]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><see cref="TokenEquals"/> for an ASCII token: ASCII lowercasing is what invariant lowercasing does
    /// to an ASCII character.</summary>
    public static bool AsciiTokenEquals(ReadOnlySpan<char> asciiToken, string analysedToken)
    {
        if (asciiToken.Length != analysedToken.Length)
        {
            return false;
        }

        if (asciiToken.Length >= 8)
        {
            // Vectorised: both sides equal ignoring ASCII case, and the analysed side has no ASCII capital (which the
            // lowercased token could never equal) - the loop below, several characters at a time.
            return System.Text.Ascii.EqualsIgnoreCase(asciiToken, analysedToken) && !analysedToken.AsSpan().ContainsAny(AsciiCapitals);
        }

        for (var i = 0; i < asciiToken.Length; i++)
        {
            var c = asciiToken[i];
            if ((uint)(c - 'A') <= 'Z' - 'A')
            {
                c = (char)(c | 0x20);
            }

            if (c != analysedToken[i])
            {
                return false;
            }
        }

        return true;
    }

    private static readonly WordBreakClass[] AsciiClasses = CreateAsciiClasses();

    /// <summary>1 for the ASCII characters that always join one another (letters, digits, '_'), else 0.</summary>
    private static ReadOnlySpan<byte> AsciiWordCharacter =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ];

    // A SearchValues search: MemoryExtensions.ContainsAnyInRange was seen allocating (96 B a call) before tier-up.
    private static readonly System.Buffers.SearchValues<char> AsciiCapitals = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>The ASCII characters of no word-break class (space, punctuation other than the Mid characters):
    /// never part of a token, so tokenizing can start right after one.</summary>
    public static readonly System.Buffers.SearchValues<char> AsciiSeparators = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 128).Where(c => AsciiClasses[c] == WordBreakClass.Other).Select(c => (char)c).ToArray());

    private static WordBreakClass[] CreateAsciiClasses()
    {
        var classes = new WordBreakClass[128];
        Span<char> one = stackalloc char[1];
        for (var c = 0; c < 128; c++)
        {
            one[0] = (char)c;
            classes[c] = Classify(one, 0, out _);
        }

        return classes;
    }

    private static int SkipExtend(ReadOnlySpan<char> text, int position, int limit)
    {
        while (position < text.Length && position < limit)
        {
            if (Classify(text, position, out var width) != WordBreakClass.Extend || position + width > limit)
            {
                break;
            }

            position += width;
        }

        return position;
    }

    private static WordBreakClass Classify(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (c < 0x80)
        {
            return WordBreakRules.ClassifyAscii(c);
        }

        int codePoint = c;
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            codePoint = char.ConvertToUtf32(c, text[index + 1]);
            width = 2;
        }

        return WordBreakRules.ClassifyNonAscii(codePoint, CharUnicodeInfo.GetUnicodeCategory(codePoint));
    }
}
