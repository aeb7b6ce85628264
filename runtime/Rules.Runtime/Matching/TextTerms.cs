using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rules.Runtime.Matching;

/// <summary>
/// A rule's analysed words for one text field, compiled once (a static field of the generated matcher), with the
/// three tests <see cref="TextAnalysis"/> offers (any word, all words, phrase) made cheap on the common case:
/// <list type="bullet">
/// <item>An ASCII text (one vectorised check) goes through a substring prefilter first: a word that is a token of the
/// text is, case aside, a substring of it, so when the words a test needs are not substrings (ordinal ignore-case,
/// one vectorised search) the answer is false without tokenizing. Exact for ASCII: the standard analyzer's
/// lowercasing of an ASCII character is ASCII lowercasing, which is what ordinal ignore-case folds. Texts with any
/// non-ASCII character skip the prefilter (lowercasing there can map non-ASCII to ASCII, e.g. the Kelvin sign to
/// <c>k</c>) and are tokenized in full.</item>
/// <item>An ASCII text is tokenized by <see cref="TextAnalysis.NextAsciiToken"/> (a table, no Unicode lookups),
/// and tokens are compared only with the words of their length.</item>
/// </list>
/// Same answers as the static <see cref="TextAnalysis"/> methods (the tests compare them on random texts).
/// </summary>
public sealed class TextTerms
{
    private const int MaxWordsForSubstringChecks = 8;

    private readonly string[] _words;
    private readonly string[]?[] _wordsByLength;
    private readonly bool _allWordsAscii;
    private readonly SearchValues<string>? _asciiWords;

    /// <param name="analysedWords">Words as the standard analyzer produced them (lowercase), in query order.</param>
    public TextTerms(params string[] analysedWords)
    {
        _words = analysedWords;
        _wordsByLength = new string[]?[TextAnalysis.MaxTokenLength + 1];
        var ascii = new List<string>();
        foreach (var word in analysedWords)
        {
            if (word.Length is > 0 and <= TextAnalysis.MaxTokenLength)
            {
                var bucket = _wordsByLength[word.Length];
                if (bucket is null || Array.IndexOf(bucket, word) < 0)
                {
                    _wordsByLength[word.Length] = bucket is null ? new[] { word } : [.. bucket, word];
                }
            }

            if (word.Length > 0 && Ascii.IsValid(word))
            {
                ascii.Add(word);
            }
        }

        _allWordsAscii = ascii.Count == analysedWords.Length;
        _asciiWords = ascii.Count > 0 ? SearchValues.Create(WithoutExtensions(ascii), StringComparison.OrdinalIgnoreCase) : null;
    }

    public int Count => _words.Length;

    /// <summary>
    /// The words to search for: a word that starts with another word of the list is left out, since wherever it
    /// occurs the shorter one occurs at the same index, and a search only reports indexes (the token there is then
    /// compared with every word). Fewer words, fewer candidates for the vectorised search to confirm.
    /// </summary>
    internal static string[] WithoutExtensions(List<string> words) =>
        words.Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(w => !words.Any(shorter => shorter.Length < w.Length && w.StartsWith(shorter, StringComparison.OrdinalIgnoreCase)))
            .ToArray();

    /// <summary>Some word is a token of the text (KQL <c>field:(a or b)</c>). No words: false.</summary>
    public bool ContainsAny(string? text)
    {
        if (text is null || _words.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!Ascii.IsValid(span))
        {
            return TextAnalysis.ContainsAnyToken(text, _words);
        }

        if (_asciiWords is null)
        {
            return false;
        }

        return TextAnalysis.AnyAsciiTokenAtHits(span, _asciiWords, new WordTest(this));
    }

    private readonly struct WordTest(TextTerms terms) : TextAnalysis.IAsciiTokenTest
    {
        public bool Matches(ReadOnlySpan<char> text, ReadOnlySpan<char> token, int follow) => terms.IsWord(token);
    }

    /// <summary>Every word is a token of the text (a match query with operator AND). No words: false.</summary>
    public bool ContainsAll(string? text)
    {
        if (text is null || _words.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!Ascii.IsValid(span) || _words.Length > 64)
        {
            return TextAnalysis.ContainsAllTokens(text, _words);
        }

        if (!AllWordsAreSubstrings(span))
        {
            return false;
        }

        var wanted = _words.Length == 64 ? ulong.MaxValue : (1UL << _words.Length) - 1;
        var found = 0UL;
        var position = 0;
        while (TextAnalysis.NextAsciiToken(span, ref position, out var start, out var length))
        {
            var token = span.Slice(start, length);
            for (var i = 0; i < _words.Length; i++)
            {
                if ((found & (1UL << i)) == 0 && TextAnalysis.AsciiTokenEquals(token, _words[i]))
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

    /// <summary>The words are consecutive tokens, in order (match_phrase, slop 0). No words: false.</summary>
    public bool ContainsPhrase(string? text)
    {
        if (text is null || _words.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!Ascii.IsValid(span))
        {
            return TextAnalysis.ContainsPhrase(text, _words);
        }

        if (!AllWordsAreSubstrings(span))
        {
            return false;
        }

        var position = 0;
        while (TextAnalysis.NextAsciiToken(span, ref position, out var start, out var length))
        {
            if (!TextAnalysis.AsciiTokenEquals(span.Slice(start, length), _words[0]))
            {
                continue;
            }

            if (TextAnalysis.AsciiPhraseContinues(span, position, _words))
            {
                return true;
            }
        }

        return false;
    }

    // For an ASCII text: a word that is not a substring (ignoring ASCII case) cannot be a token. A non-ASCII word
    // can never be the lowercase of an ASCII token.
    private bool AllWordsAreSubstrings(ReadOnlySpan<char> asciiText)
    {
        if (!_allWordsAscii)
        {
            return false;
        }

        if (_words.Length > MaxWordsForSubstringChecks)
        {
            return asciiText.IndexOfAny(_asciiWords!) >= 0;
        }

        foreach (var word in _words)
        {
            if (asciiText.IndexOf(word, StringComparison.OrdinalIgnoreCase) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private bool IsWord(ReadOnlySpan<char> asciiToken)
    {
        var bucket = _wordsByLength[asciiToken.Length];
        if (bucket is null)
        {
            return false;
        }

        foreach (var word in bucket)
        {
            if (TextAnalysis.AsciiTokenEquals(asciiToken, word))
            {
                return true;
            }
        }

        return false;
    }
}
