using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Optimization
{
    /// <summary>
    /// Prefilter atoms from a regex test: the .NET pattern that <see cref="Eql.LuceneRegex"/> makes
    /// (<c>\A(?:...)\z</c>, non-capturing groups, <c>| ? * + {m,n}</c>, character classes spelled out in ASCII). Only
    /// that subset is read; anything else gives no atoms (the caller falls back to the field's Exists atom).
    /// <list type="bullet">
    /// <item>A finite language of at most <see cref="MaximumExactValues"/> values (classes, alternations, optional
    /// parts, bounded repetitions) gives one Exact atom per value.</item>
    /// <item>Otherwise the pattern is widened to wildcard token strings (a class of a few case-folded characters is
    /// one alternative per character, a larger class one unknown character, an unbounded repetition any run) - one per
    /// alternative, or all merged into one (same-length position-wise merge, else common head, any run, common tail) -
    /// and each gives its best atom by <see cref="PrefilterSelection.Cost"/>: a prefix at an offset, a suffix, a
    /// contained literal. The cheapest of these choices wins.</item>
    /// </list>
    /// Sound by construction: every step widens, so each value the regex matches passes one of the atoms.
    /// Case: the atoms compare ignoring case (CaseFolding at run time; Exact atoms by OrdinalIgnoreCase). For a
    /// case-sensitive regex that only widens. For <c>regex~</c> (RegexOptions.IgnoreCase | CultureInvariant) a pattern
    /// character stands for every character the regex equates with it: for ASCII characters that is the other ASCII
    /// case and, for <c>k</c>/<c>K</c>, the Kelvin sign U+212A, which neither the fold nor OrdinalIgnoreCase equate with
    /// K (tests/Rules.Tests/Engine/RegexPrefilterTests checks every ASCII character against every UTF-16 unit); a
    /// non-ASCII character under ignore-case is treated as unknown (the generator cannot see the runtime's case tables).
    /// </summary>
    public static class RegexPrefilter
    {
        /// <summary>A finite language of at most this many values becomes Exact atoms.</summary>
        public const int MaximumExactValues = 64;

        // Widened alternatives kept apart (each its own atom) before they are merged into one.
        private const int MaximumAlternatives = 64;

        // Copies of a repeated part spelled out; the rest of a longer repetition is widened to any run.
        private const int MaximumCopies = 16;

        // A class of more members than this is one unknown character (only its count matters then).
        private const int MaximumClassMembers = 256;

        // A class of up to this many case-folded characters is also widened to one alternative per character (kept
        // apart, they can give one atom each: Lucene's \s is six).
        private const int MaximumClassAlternatives = 8;

        private const char AnyOne = PrefilterSelection.AnyOne;
        private const char AnyRun = PrefilterSelection.AnyRun;

        /// <summary>The cheapest atoms (a disjunction) every value matching the regex passes, or null when the pattern
        /// is not understood or offers no literal worth indexing.</summary>
        public static IReadOnlyList<PrefilterAtom>? Atoms(BoundField field, string pattern, bool ignoreCase)
        {
            var node = Parse(pattern);
            if (node is null)
            {
                return null;
            }

            var analysis = new Analysis(ignoreCase);
            var options = new List<IReadOnlyList<PrefilterAtom>>();

            var values = analysis.Finite(node);
            if (values is { Count: > 0 })
            {
                options.Add(values.Select(v => new PrefilterAtom(field, PrefilterAtomKind.Exact, v, 0)).ToArray());
            }

            var alternatives = analysis.Widen(node);
            if (alternatives.Count > 0)
            {
                var apart = alternatives.Select(a => PrefilterSelection.BestAtom(field, a)).ToList();
                if (apart.All(a => a is not null))
                {
                    options.Add(apart.Distinct().ToArray()!);
                }

                if (alternatives.Count > 1 && PrefilterSelection.BestAtom(field, Merge(alternatives)) is { } merged)
                {
                    options.Add(new[] { merged });
                }
            }

            return options.Count == 0 ? null : options.OrderBy(o => o.Sum(PrefilterSelection.Cost)).ThenBy(o => o.Count).First();
        }

        // ---- The analysis ------------------------------------------------------------------------------------------

        private sealed class Analysis
        {
            private readonly bool _ignoreCase;

            public Analysis(bool ignoreCase) => _ignoreCase = ignoreCase;

            /// <summary>Every value the node matches (up to case), or null when there are too many or infinitely many.</summary>
            public List<string>? Finite(Node node)
            {
                switch (node)
                {
                    case CharsNode chars:
                        return Representatives(chars)?.Select(c => c.ToString()).ToList();
                    case ConcatNode concat:
                        var product = new List<string> { string.Empty };
                        foreach (var part in concat.Parts)
                        {
                            var values = Finite(part);
                            if (values is null || (long)product.Count * values.Count > MaximumExactValues)
                            {
                                return null;
                            }

                            product = product.SelectMany(p => values.Select(v => p + v)).ToList();
                        }

                        return product.Distinct(StringComparer.Ordinal).ToList();
                    case AltNode alt:
                        var union = new List<string>();
                        foreach (var option in alt.Options)
                        {
                            var values = Finite(option);
                            if (values is null)
                            {
                                return null;
                            }

                            union.AddRange(values);
                            if (union.Count > MaximumExactValues * 4)
                            {
                                return null;
                            }
                        }

                        union = union.Distinct(StringComparer.Ordinal).ToList();
                        return union.Count > MaximumExactValues ? null : union;
                    case RepeatNode repeat:
                        if (repeat.Max < 0 || repeat.Max > MaximumExactValues)
                        {
                            return null;
                        }

                        var body = Finite(repeat.Body);
                        if (body is null)
                        {
                            return null;
                        }

                        var all = new List<string>();
                        var copies = new List<string> { string.Empty };
                        for (var count = 0; count <= repeat.Max; count++)
                        {
                            if (count >= repeat.Min)
                            {
                                all.AddRange(copies);
                                if (all.Count > MaximumExactValues * 4)
                                {
                                    return null;
                                }
                            }

                            if (count < repeat.Max)
                            {
                                if ((long)copies.Count * body.Count > MaximumExactValues)
                                {
                                    return null;
                                }

                                copies = copies.SelectMany(p => body.Select(v => p + v)).Distinct(StringComparer.Ordinal).ToList();
                            }
                        }

                        all = all.Distinct(StringComparer.Ordinal).ToList();
                        return all.Count > MaximumExactValues ? null : all;
                    default:
                        return null;
                }
            }

            /// <summary>Token strings (literal characters, AnyOne, AnyRun) whose union holds every value the node
            /// matches; none for a node that matches nothing.</summary>
            public List<string> Widen(Node node)
            {
                switch (node)
                {
                    case CharsNode chars:
                        if (chars.Count == 0)
                        {
                            return new List<string>();
                        }

                        return Representatives(chars) is { Count: <= MaximumClassAlternatives } few
                            ? few.Select(c => c.ToString()).ToList()
                            : new List<string> { AnyOne.ToString() };
                    case ConcatNode concat:
                        var product = new List<string> { string.Empty };
                        foreach (var part in concat.Parts)
                        {
                            product = Concatenate(product, Widen(part));
                        }

                        return product;
                    case AltNode alt:
                        var union = alt.Options.SelectMany(Widen).Distinct(StringComparer.Ordinal).ToList();
                        return union.Count > MaximumAlternatives ? new List<string> { Merge(union) } : union;
                    case RepeatNode repeat:
                        var body = Widen(repeat.Body);
                        if (body.Count == 0)
                        {
                            // Nothing to repeat: only zero copies match.
                            return repeat.Min == 0 ? new List<string> { string.Empty } : new List<string>();
                        }

                        if (repeat.Min == 0 && repeat.Max == 1)
                        {
                            return body.Concat(new[] { string.Empty }).Distinct(StringComparer.Ordinal).ToList();
                        }

                        var copies = new List<string> { string.Empty };
                        for (var count = 0; count < Math.Min(repeat.Min, MaximumCopies); count++)
                        {
                            copies = Concatenate(copies, body);
                        }

                        // More copies than spelled out, or a variable count: any run (it also holds zero characters).
                        return repeat.Max != repeat.Min || repeat.Min > MaximumCopies ? Concatenate(copies, new List<string> { AnyRun.ToString() }) : copies;
                    default:
                        return new List<string> { AnyRun.ToString() };
                }
            }

            private static List<string> Concatenate(List<string> heads, List<string> tails)
            {
                if (heads.Count == 0 || tails.Count == 0)
                {
                    return new List<string>();
                }

                if ((long)heads.Count * tails.Count > MaximumAlternatives)
                {
                    if (tails.Count > 1)
                    {
                        tails = new List<string> { Merge(tails) };
                    }

                    if ((long)heads.Count * tails.Count > MaximumAlternatives)
                    {
                        heads = new List<string> { Merge(heads) };
                    }
                }

                return heads.SelectMany(h => tails.Select(t => Normalize(h + t))).Distinct(StringComparer.Ordinal).ToList();
            }

            /// <summary>One character for each group of the class's members that the atoms' case fold cannot tell
            /// apart, counting what the regex equates with each member; null when that is not known or the groups
            /// are many (the class then stands for one unknown character).</summary>
            public List<char>? Representatives(CharsNode chars)
            {
                if (chars.Count > MaximumClassMembers)
                {
                    return null;
                }

                var seen = new HashSet<char>();
                var representatives = new List<char>();
                foreach (var member in chars.Members())
                {
                    // Surrogates as for wildcards (PrefilterSelection.Tokens): the index's literals hold none.
                    if (member == AnyOne || member == AnyRun || char.IsSurrogate(member) || (_ignoreCase && member >= 0x80))
                    {
                        return null;
                    }

                    Add(member);
                    if (_ignoreCase && (member == 'k' || member == 'K'))
                    {
                        // The regex equates the Kelvin sign with k and K; the fold and OrdinalIgnoreCase do not.
                        Add('\u212A');
                    }

                    if (representatives.Count > MaximumExactValues)
                    {
                        return null;
                    }
                }

                return representatives;

                void Add(char c)
                {
                    // Atoms compare ignoring case: one member per ASCII letter pair is enough (a case-sensitive
                    // regex only widens by it).
                    var key = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
                    if (seen.Add(key))
                    {
                        representatives.Add(c);
                    }
                }
            }
        }

        /// <summary>One token string holding every value of the given ones: a position-wise merge when they have
        /// one length and differ only where none has a run, else their common head, any run, their common tail.</summary>
        private static string Merge(IReadOnlyList<string> alternatives)
        {
            if (alternatives.Count == 1)
            {
                return alternatives[0];
            }

            // Same length, and where they differ no run: character by character (a differing position is one
            // character in each).
            var length = alternatives[0].Length;
            if (alternatives.All(a => a.Length == length)
                && Enumerable.Range(0, length).All(i => alternatives.All(a => a[i] == alternatives[0][i]) || alternatives.All(a => a[i] != AnyRun)))
            {
                var merged = new StringBuilder(length);
                for (var i = 0; i < length; i++)
                {
                    var c = alternatives[0][i];
                    merged.Append(alternatives.All(a => a[i] == c) ? c : AnyOne);
                }

                return merged.ToString();
            }

            var shortest = alternatives.Min(a => a.Length);
            var head = 0;
            while (head < shortest && alternatives.All(a => a[head] == alternatives[0][head]))
            {
                head++;
            }

            var tail = 0;
            while (tail < shortest - head && alternatives.All(a => a[a.Length - 1 - tail] == alternatives[0][alternatives[0].Length - 1 - tail]))
            {
                tail++;
            }

            return Normalize(alternatives[0].Substring(0, head) + AnyRun + alternatives[0].Substring(alternatives[0].Length - tail));
        }

        // Adjacent runs are one run.
        private static string Normalize(string tokens)
        {
            var doubled = new string(AnyRun, 2);
            while (tokens.IndexOf(doubled, StringComparison.Ordinal) >= 0)
            {
                tokens = tokens.Replace(doubled, AnyRun.ToString());
            }

            return tokens;
        }

        // ---- The pattern -------------------------------------------------------------------------------------------

        internal abstract class Node
        {
        }

        /// <summary>One character out of a set (sorted, non-overlapping inclusive ranges).</summary>
        internal sealed class CharsNode : Node
        {
            public CharsNode(List<(char Low, char High)> ranges)
            {
                Ranges = ranges;
                Count = ranges.Sum(r => r.High - r.Low + 1);
            }

            public List<(char Low, char High)> Ranges { get; }

            public int Count { get; }

            public IEnumerable<char> Members()
            {
                foreach (var (low, high) in Ranges)
                {
                    for (var c = (int)low; c <= high; c++)
                    {
                        yield return (char)c;
                    }
                }
            }
        }

        internal sealed class ConcatNode : Node
        {
            public ConcatNode(List<Node> parts) => Parts = parts;

            public List<Node> Parts { get; }
        }

        internal sealed class AltNode : Node
        {
            public AltNode(List<Node> options) => Options = options;

            public List<Node> Options { get; }
        }

        internal sealed class RepeatNode : Node
        {
            public RepeatNode(Node body, int min, int max)
            {
                Body = body;
                Min = min;
                Max = max;
            }

            public Node Body { get; }

            public int Min { get; }

            /// <summary>-1: unbounded.</summary>
            public int Max { get; }
        }

        /// <summary>The pattern's tree, or null when it is not of the translator's form (never guessed).</summary>
        internal static Node? Parse(string pattern)
        {
            const string Head = @"\A(?:";
            const string Tail = @")\z";
            if (!pattern.StartsWith(Head, StringComparison.Ordinal) || !pattern.EndsWith(Tail, StringComparison.Ordinal) || pattern.Length < Head.Length + Tail.Length)
            {
                return null;
            }

            var parser = new Parser(pattern.Substring(Head.Length, pattern.Length - Head.Length - Tail.Length));
            var node = parser.ParseUnion();
            return parser.Failed || parser.More ? null : node;
        }

        private sealed class Parser
        {
            private readonly string _text;
            private int _position;

            public Parser(string text) => _text = text;

            public bool Failed { get; private set; }

            public bool More => _position < _text.Length;

            private Node? Fail()
            {
                Failed = true;
                _position = _text.Length;
                return null;
            }

            private bool Match(string token)
            {
                if (string.CompareOrdinal(_text, _position, token, 0, token.Length) == 0)
                {
                    _position += token.Length;
                    return true;
                }

                return false;
            }

            public Node ParseUnion()
            {
                var options = new List<Node> { ParseConcat() };
                while (!Failed && Match("|"))
                {
                    options.Add(ParseConcat());
                }

                return options.Count == 1 ? options[0] : new AltNode(options);
            }

            private Node ParseConcat()
            {
                var parts = new List<Node>();
                while (!Failed && More && _text[_position] != '|' && _text[_position] != ')')
                {
                    var atom = ParseAtom();
                    if (atom is null)
                    {
                        break;
                    }

                    parts.Add(ParseQuantifiers(atom));
                }

                return parts.Count == 1 ? parts[0] : new ConcatNode(parts);
            }

            private Node ParseQuantifiers(Node atom)
            {
                while (!Failed && More)
                {
                    var c = _text[_position];
                    if (c == '?' || c == '*' || c == '+')
                    {
                        _position++;
                        atom = new RepeatNode(atom, c == '+' ? 1 : 0, c == '?' ? 1 : -1);
                    }
                    else if (c == '{')
                    {
                        _position++;
                        var min = ReadInt();
                        var max = min;
                        if (Match(","))
                        {
                            max = More && _text[_position] != '}' ? ReadInt() : -1;
                        }

                        if (min < 0 || (max >= 0 && max < min) || !Match("}"))
                        {
                            Fail();
                            return atom;
                        }

                        atom = new RepeatNode(atom, min, max);
                    }
                    else
                    {
                        break;
                    }

                    // A lazy marker or a quantifier of a quantifier, which the translator never writes (it groups first).
                    if (More && "?*+{".IndexOf(_text[_position]) >= 0)
                    {
                        Fail();
                    }
                }

                return atom;
            }

            private int ReadInt()
            {
                var start = _position;
                while (More && _text[_position] >= '0' && _text[_position] <= '9' && _position - start < 9)
                {
                    _position++;
                }

                return start == _position ? -1 : int.Parse(_text.Substring(start, _position - start), CultureInfo.InvariantCulture);
            }

            private Node? ParseAtom()
            {
                if (Match("(?:"))
                {
                    var inner = ParseUnion();
                    return Failed || !Match(")") ? Fail() : inner;
                }

                if (Match("["))
                {
                    return ParseClass();
                }

                var c = _text[_position];
                if (c == '\\')
                {
                    _position++;
                    return ReadEscape(inClass: false) is { } escaped ? Single(escaped) : Fail();
                }

                // Anything the translator escapes or never writes unescaped: not understood.
                if ("()[]{}|?*+.^$#".IndexOf(c) >= 0)
                {
                    return Fail();
                }

                _position++;
                return Single(c);
            }

            private static CharsNode Single(char c) => new CharsNode(new List<(char, char)> { (c, c) });

            private Node? ParseClass()
            {
                // Any character and no character: how the translator writes Lucene's '.' and '#'.
                if (Match(@"\s\S]"))
                {
                    return new CharsNode(new List<(char, char)> { ('\0', char.MaxValue) });
                }

                if (Match(@"^\s\S]"))
                {
                    return new CharsNode(new List<(char, char)>());
                }

                var negated = Match("^");
                var ranges = new List<(char Low, char High)>();
                while (More && _text[_position] != ']')
                {
                    var low = ReadClassChar();
                    if (low is null)
                    {
                        return Fail();
                    }

                    var high = low.Value;
                    if (More && _text[_position] == '-' && _position + 1 < _text.Length && _text[_position + 1] != ']')
                    {
                        _position++;
                        if (ReadClassChar() is not { } end || end < low.Value)
                        {
                            return Fail();
                        }

                        high = end;
                    }

                    ranges.Add((low.Value, high));
                }

                if (!Match("]") || ranges.Count == 0)
                {
                    return Fail();
                }

                var set = Normalize(ranges);
                return new CharsNode(negated ? Complement(set) : set);
            }

            private char? ReadClassChar()
            {
                var c = _text[_position++];
                if (c == '\\')
                {
                    return ReadEscape(inClass: true);
                }

                // '[' inside a class is subtraction or nothing the translator writes.
                return c == '[' ? null : c;
            }

            /// <summary>The character after a backslash: an escaped punctuation character, a control escape, or
            /// <c>\uXXXX</c>; null for anything else (\d, \w, \b ... which the translator does not write).</summary>
            private char? ReadEscape(bool inClass)
            {
                if (!More)
                {
                    return null;
                }

                var c = _text[_position++];
                switch (c)
                {
                    case 't': return '\t';
                    case 'n': return '\n';
                    case 'f': return '\f';
                    case 'r': return '\r';
                    case 'v': return '\v';
                    case 'e': return '\u001B';
                    case 'a': return '\u0007';
                    case 'b' when inClass: return '\b';
                    case 'x': return ReadHex(2);
                    case 'u': return ReadHex(4);
                }

                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? null : c;
            }

            private char? ReadHex(int digits)
            {
                if (_position + digits > _text.Length
                    || !int.TryParse(_text.Substring(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    return null;
                }

                _position += digits;
                return (char)code;
            }

            private static List<(char Low, char High)> Normalize(List<(char Low, char High)> ranges)
            {
                var merged = new List<(char Low, char High)>();
                foreach (var range in ranges.OrderBy(r => r.Low))
                {
                    if (merged.Count > 0 && range.Low <= merged[merged.Count - 1].High + 1)
                    {
                        var last = merged[merged.Count - 1];
                        merged[merged.Count - 1] = (last.Low, (char)Math.Max(last.High, range.High));
                    }
                    else
                    {
                        merged.Add(range);
                    }
                }

                return merged;
            }

            private static List<(char Low, char High)> Complement(List<(char Low, char High)> set)
            {
                var complement = new List<(char Low, char High)>();
                var next = 0;
                foreach (var (low, high) in set)
                {
                    if (low > next)
                    {
                        complement.Add(((char)next, (char)(low - 1)));
                    }

                    next = high + 1;
                }

                if (next <= char.MaxValue)
                {
                    complement.Add(((char)next, char.MaxValue));
                }

                return complement;
            }
        }
    }
}
