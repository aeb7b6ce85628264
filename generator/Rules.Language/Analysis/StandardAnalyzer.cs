using System.Collections.Generic;
using System.Globalization;

namespace Rules.Language.Analysis
{
    /// <summary>
    /// Build-time model of Elasticsearch's <c>standard</c> analyzer (the default for <c>text</c> and
    /// <c>match_only_text</c>): Lucene's StandardTokenizer (Unicode UAX #29 word boundaries, tokens longer than
    /// 255 characters split) followed by a lowercase filter, no stop words. The runtime twin is
    /// Rules.Runtime.Matching.TextAnalysis; the two must cut the same tokens (a test checks it). Limits are in
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

                if (!IsWordStart(cls))
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

                    if (Joins(last, next))
                    {
                        last = next;
                        hasCore |= next != WordBreakClass.ExtendNumLet;
                        end = SkipExtend(text, end + nextWidth, limit);
                        continue;
                    }

                    if (IsMidFor(last, next))
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

        private static bool IsWordStart(WordBreakClass cls) =>
            cls == WordBreakClass.ALetter || cls == WordBreakClass.Numeric || cls == WordBreakClass.Katakana ||
            cls == WordBreakClass.ExtendNumLet || cls == WordBreakClass.ComplexContext;

        // UAX #29 WB5, WB8-WB10, WB13, WB13a, WB13b; complex-context scripts run together (Lucene emits the run).
        private static bool Joins(WordBreakClass last, WordBreakClass next)
        {
            var lastAlnum = last == WordBreakClass.ALetter || last == WordBreakClass.Numeric;
            var nextAlnum = next == WordBreakClass.ALetter || next == WordBreakClass.Numeric;
            if (lastAlnum && nextAlnum)
            {
                return true;
            }

            if (last == WordBreakClass.Katakana && next == WordBreakClass.Katakana)
            {
                return true;
            }

            if (last == WordBreakClass.ComplexContext && next == WordBreakClass.ComplexContext)
            {
                return true;
            }

            if (next == WordBreakClass.ExtendNumLet)
            {
                return lastAlnum || last == WordBreakClass.Katakana || last == WordBreakClass.ExtendNumLet;
            }

            return last == WordBreakClass.ExtendNumLet && (nextAlnum || next == WordBreakClass.Katakana);
        }

        // WB6/WB7 (letter mid letter) and WB11/WB12 (digit mid digit).
        private static bool IsMidFor(WordBreakClass last, WordBreakClass mid) =>
            (last == WordBreakClass.ALetter && (mid == WordBreakClass.MidLetter || mid == WordBreakClass.MidNumLet)) ||
            (last == WordBreakClass.Numeric && (mid == WordBreakClass.MidNum || mid == WordBreakClass.MidNumLet));

        internal enum WordBreakClass
        {
            Other,
            ALetter,
            Numeric,
            Katakana,
            ExtendNumLet,
            MidLetter,
            MidNum,
            MidNumLet,
            Extend,
            Ideographic,
            ComplexContext,
        }

        internal static WordBreakClass Classify(string text, int index, out int width)
        {
            var c = text[index];
            width = 1;
            if (c < 0x80)
            {
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                {
                    return WordBreakClass.ALetter;
                }

                if (c >= '0' && c <= '9')
                {
                    return WordBreakClass.Numeric;
                }

                return c switch
                {
                    '_' => WordBreakClass.ExtendNumLet,
                    ':' => WordBreakClass.MidLetter,
                    '.' or '\'' => WordBreakClass.MidNumLet,
                    ',' or ';' => WordBreakClass.MidNum,
                    _ => WordBreakClass.Other,
                };
            }

            int codePoint = c;
            if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[index + 1]);
                width = 2;
            }

            return ClassifyNonAscii(codePoint, CharUnicodeInfo.GetUnicodeCategory(text, index));
        }

        internal static WordBreakClass ClassifyNonAscii(int codePoint, UnicodeCategory category)
        {
            switch (codePoint)
            {
                case 0x00B7: case 0x0387: case 0x05F4: case 0x2027: case 0xFE13: case 0xFE55: case 0xFF1A:
                    return WordBreakClass.MidLetter;
                case 0x2018: case 0x2019: case 0x2024: case 0xFE52: case 0xFF07: case 0xFF0E:
                    return WordBreakClass.MidNumLet;
                case 0x037E: case 0x0589: case 0x060C: case 0x060D: case 0x066C: case 0x07F8: case 0x2044:
                case 0xFE10: case 0xFE14: case 0xFE50: case 0xFE54: case 0xFF0C: case 0xFF1B:
                    return WordBreakClass.MidNum;
                case 0x200D: case 0x200C:
                    return WordBreakClass.Extend;
            }

            if ((codePoint >= 0x3040 && codePoint <= 0x309F) || (codePoint >= 0x3400 && codePoint <= 0x4DBF) ||
                (codePoint >= 0x4E00 && codePoint <= 0x9FFF) || (codePoint >= 0xF900 && codePoint <= 0xFAFF) ||
                (codePoint >= 0x20000 && codePoint <= 0x3FFFF))
            {
                return category == UnicodeCategory.OtherLetter || category == UnicodeCategory.ModifierLetter ? WordBreakClass.Ideographic : WordBreakClass.Other;
            }

            if ((codePoint >= 0x30A0 && codePoint <= 0x30FF) || (codePoint >= 0x31F0 && codePoint <= 0x31FF) ||
                (codePoint >= 0xFF66 && codePoint <= 0xFF9D))
            {
                return category == UnicodeCategory.OtherPunctuation ? WordBreakClass.Other : WordBreakClass.Katakana;
            }

            if ((codePoint >= 0x0E00 && codePoint <= 0x0EFF) || (codePoint >= 0x1000 && codePoint <= 0x109F) ||
                (codePoint >= 0x1780 && codePoint <= 0x17FF))
            {
                return category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark
                    ? WordBreakClass.Extend
                    : category == UnicodeCategory.DecimalDigitNumber ? WordBreakClass.Numeric
                    : category <= UnicodeCategory.OtherLetter ? WordBreakClass.ComplexContext : WordBreakClass.Other;
            }

            switch (category)
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                case UnicodeCategory.LetterNumber:
                    return WordBreakClass.ALetter;
                case UnicodeCategory.DecimalDigitNumber:
                    return WordBreakClass.Numeric;
                case UnicodeCategory.ConnectorPunctuation:
                    return WordBreakClass.ExtendNumLet;
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.Format:
                    return WordBreakClass.Extend;
                default:
                    return WordBreakClass.Other;
            }
        }
    }
}
