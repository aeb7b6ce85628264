using System.Globalization;

namespace Rules.Language.Analysis
{
/// <summary>UAX #29 word-break classes, as far as Lucene's StandardTokenizer distinguishes them.</summary>
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

    /// <summary>
    /// The word-break rules of Elasticsearch's <c>standard</c> analyzer (Lucene's StandardTokenizer, Unicode UAX #29):
    /// character classes and which neighbours join. One source file compiled into both the build-time analyzer
    /// (Rules.Language: <c>StandardAnalyzer</c>) and the runtime matcher (Rules.Runtime links this file:
    /// Matching/TextAnalysis), so the two classify every character the same way by construction; each keeps only its
    /// own walk over a <c>string</c> (netstandard2.0) or a span (net10.0).
    /// </summary>
    internal static class WordBreakRules
    {
        /// <summary>The class of an ASCII character (UAX #29 as Lucene's StandardTokenizer reads it).</summary>
        public static WordBreakClass ClassifyAscii(char c)
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

        public static bool IsWordStart(WordBreakClass cls) =>
            cls == WordBreakClass.ALetter || cls == WordBreakClass.Numeric || cls == WordBreakClass.Katakana ||
            cls == WordBreakClass.ExtendNumLet || cls == WordBreakClass.ComplexContext;

        // UAX #29 WB5, WB8-WB10, WB13, WB13a, WB13b; complex-context scripts run together (Lucene emits the run).
        public static bool Joins(WordBreakClass last, WordBreakClass next)
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
        public static bool IsMidFor(WordBreakClass last, WordBreakClass mid) =>
            (last == WordBreakClass.ALetter && (mid == WordBreakClass.MidLetter || mid == WordBreakClass.MidNumLet)) ||
            (last == WordBreakClass.Numeric && (mid == WordBreakClass.MidNum || mid == WordBreakClass.MidNumLet));

        public static WordBreakClass ClassifyNonAscii(int codePoint, UnicodeCategory category)
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
