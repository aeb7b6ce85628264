using System.Collections.Generic;
using System.Globalization;

namespace Rules.Language.Analysis
{
    /// <summary>
    /// Build-time model of Elasticsearch's <c>standard</c> analyzer (the default for <c>text</c> and
    /// <c>match_only_text</c>): Lucene's StandardTokenizer (Unicode UAX #29 word boundaries, tokens longer than
    /// 255 characters split) followed by a lowercase filter, no stop words. The runtime walk is
    /// Rules.Runtime.Matching.TextAnalysis; both take their character classes and joining rules from one source file,
    /// WordBreakRules.cs (a test checks they cut the same tokens). Limits are in
    /// docs/kql.md (no dictionary segmentation of Thai/Lao/Khmer/Myanmar, no emoji tokens).
    /// </summary>
    public static class StandardAnalyzer
    {
        public const int MaxTokenLength = 255;

        /// <summary>The analysed (lowercase) tokens of a value, in order.</summary>
        public static List<string> Analyze(string? text)
        {
            var tokens = new List<string>();
            if (string.IsNullOrEmpty(text))
            {
                return tokens;
            }

            var position = 0;
            while (NextToken(text!, ref position, out var start, out var length))
            {
                tokens.Add(Lowercase(text!, start, length));
            }

            return tokens;
        }

        /// <summary>Lowercases character by character (char.ToLowerInvariant), exactly as the runtime compares.</summary>
        public static string Lowercase(string text, int start, int length)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = char.ToLowerInvariant(text[start + i]);
            }

            return new string(chars);
        }

        /// <summary>Finds the next token at or after <paramref name="position"/>; false at the end of the text.</summary>
        public static bool NextToken(string text, ref int position, out int start, out int length)
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
                var end = position + width;
                end = SkipExtend(text, end, limit);
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

        private static int SkipExtend(string text, int position, int limit)
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

        private static WordBreakClass Classify(string text, int index, out int width)
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

            return WordBreakRules.ClassifyNonAscii(codePoint, CharUnicodeInfo.GetUnicodeCategory(text, index));
        }
    }
}
