using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rules.Runtime.Matching;

/// <summary>
/// Any of a rule's phrases on one text field (KQL <c>field:("a b" or "c d" or e)</c>; a single word is a phrase of
/// one word), compiled once: one search of the text for all the phrases' first words instead of one pass per
/// phrase, which is what the corpus' hundred-phrase PowerShell rules need. The same reasoning as
/// <see cref="TextTerms.ContainsAny"/>: on an all-ASCII text, a token equal to a phrase's first word starts where
/// that word occurs as a substring (ordinal ignore-case), and tokenizing can resume after any separator; other texts
/// go through <see cref="TextAnalysis.ContainsPhrase"/> phrase by phrase. Same answers as the OR of
/// <see cref="TextAnalysis.ContainsPhrase"/> (the tests compare them on random texts).
/// </summary>
public sealed class TextPhrases
{
    private readonly string[][] _phrases;
    private readonly string[][] _asciiPhrases;
    private readonly int[]?[] _asciiPhrasesByFirstWordLength;
    private readonly SearchValues<string>? _asciiFirstWords;

    /// <param name="analysedPhrases">Each phrase's words as the standard analyzer produced them (lowercase).</param>
    public TextPhrases(params string[][] analysedPhrases)
    {
        _phrases = analysedPhrases.Where(p => p.Length > 0).ToArray();

        // A phrase with an empty, over-long or non-ASCII word cannot occur in an ASCII text (its tokens are ASCII,
        // non-empty, at most 255 characters): only the others take part in the ASCII search.
        _asciiPhrases = _phrases
            .Where(p => p.All(w => w.Length is > 0 and <= TextAnalysis.MaxTokenLength && Ascii.IsValid(w)))
            .ToArray();
        _asciiPhrasesByFirstWordLength = new int[]?[TextAnalysis.MaxTokenLength + 1];
        for (var i = 0; i < _asciiPhrases.Length; i++)
        {
            var length = _asciiPhrases[i][0].Length;
            _asciiPhrasesByFirstWordLength[length] = [.. _asciiPhrasesByFirstWordLength[length] ?? Array.Empty<int>(), i];
        }

        _asciiFirstWords = _asciiPhrases.Length > 0
            ? SearchValues.Create(TextTerms.WithoutExtensions(_asciiPhrases.Select(p => p[0]).ToList()), StringComparison.OrdinalIgnoreCase)
            : null;
    }

    public int Count => _phrases.Length;

    /// <summary>Some phrase's words are consecutive tokens of the text, in order (match_phrase, slop 0).</summary>
    public bool ContainsAny(string? text)
    {
        if (text is null || _phrases.Length == 0)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!Ascii.IsValid(span))
        {
            foreach (var phrase in _phrases)
            {
                if (TextAnalysis.ContainsPhrase(text, phrase))
                {
                    return true;
                }
            }

            return false;
        }

        if (_asciiFirstWords is null)
        {
            return false;
        }

        return TextAnalysis.AnyAsciiTokenAtHits(span, _asciiFirstWords, new PhraseStartTest(this));
    }

    private readonly struct PhraseStartTest(TextPhrases phrases) : TextAnalysis.IAsciiTokenTest
    {
        public bool Matches(ReadOnlySpan<char> text, ReadOnlySpan<char> token, int follow) => phrases.StartsPhrase(text, token, follow);
    }

    // The token equals some phrase's first word and the tokens after it (from 'follow') are the rest of the phrase.
    private bool StartsPhrase(ReadOnlySpan<char> text, ReadOnlySpan<char> token, int follow)
    {
        var candidates = _asciiPhrasesByFirstWordLength[token.Length];
        if (candidates is null)
        {
            return false;
        }

        foreach (var index in candidates)
        {
            var phrase = _asciiPhrases[index];
            if (!TextAnalysis.AsciiTokenEquals(token, phrase[0]))
            {
                continue;
            }

            if (TextAnalysis.AsciiPhraseContinues(text, follow, phrase))
            {
                return true;
            }
        }

        return false;
    }
}
