using System;
using System.Collections.Generic;
using System.Text;
using Rules.Language.Ir;

namespace Rules.Language.Kql
{
    public enum GlobPartKind
    {
        Literal,
        /// <summary><c>*</c>: any run of characters.</summary>
        AnyRun,
        /// <summary><c>?</c>: exactly one character.</summary>
        AnyChar,
    }

    public readonly struct GlobPart
    {
        public GlobPart(GlobPartKind kind, char literal)
        {
            Kind = kind;
            Literal = literal;
        }

        public GlobPartKind Kind { get; }

        public char Literal { get; }
    }

    /// <summary>
    /// A wildcard pattern with its literal characters kept apart from its wildcards, so that an escaped <c>\*</c>
    /// (Lucene) or a KQL literal <c>?</c> stays literal whatever IR form the pattern lowers to.
    /// </summary>
    public sealed class GlobPattern
    {
        private GlobPattern(List<GlobPart> parts)
        {
            Parts = parts;
        }

        public List<GlobPart> Parts { get; }

        public bool HasWildcards => Parts.Exists(p => p.Kind != GlobPartKind.Literal);

        public bool IsLoneAnyRun => Parts.Count == 1 && Parts[0].Kind == GlobPartKind.AnyRun;

        /// <summary>KQL: literal text between unescaped stars; <c>?</c> is literal (Kibana escapes it).</summary>
        public static GlobPattern FromKqlSegments(IReadOnlyList<string> segments)
        {
            var parts = new List<GlobPart>();
            for (var i = 0; i < segments.Count; i++)
            {
                if (i > 0)
                {
                    parts.Add(new GlobPart(GlobPartKind.AnyRun, '*'));
                }

                foreach (var c in segments[i])
                {
                    parts.Add(new GlobPart(GlobPartKind.Literal, c));
                }
            }

            return new GlobPattern(parts);
        }

        /// <summary>Lucene WildcardQuery syntax: <c>*</c>, <c>?</c>, and <c>\</c> escaping the next character (a
        /// trailing lone backslash is a literal backslash), as WildcardQuery.toAutomaton reads it.</summary>
        public static GlobPattern FromLuceneWildcard(string pattern)
        {
            var parts = new List<GlobPart>();
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    parts.Add(new GlobPart(GlobPartKind.Literal, pattern[++i]));
                }
                else if (c == '*')
                {
                    parts.Add(new GlobPart(GlobPartKind.AnyRun, c));
                }
                else if (c == '?')
                {
                    parts.Add(new GlobPart(GlobPartKind.AnyChar, c));
                }
                else
                {
                    parts.Add(new GlobPart(GlobPartKind.Literal, c));
                }
            }

            return new GlobPattern(parts);
        }

        public static GlobPattern Literal(string text)
        {
            var parts = new List<GlobPart>();
            foreach (var c in text)
            {
                parts.Add(new GlobPart(GlobPartKind.Literal, c));
            }

            return new GlobPattern(parts);
        }

        /// <summary>The pattern's literal text (meaningful when it has no wildcards).</summary>
        public string LiteralText
        {
            get
            {
                var builder = new StringBuilder();
                foreach (var part in Parts)
                {
                    builder.Append(part.Kind == GlobPartKind.Literal ? part.Literal : part.Kind == GlobPartKind.AnyRun ? '*' : '?');
                }

                return builder.ToString();
            }
        }

        /// <summary>Splits at unescaped whitespace, as the query_string parser separates terms.</summary>
        public List<GlobPattern> SplitOnQueryStringWhitespace()
        {
            var result = new List<GlobPattern>();
            var current = new List<GlobPart>();
            foreach (var part in Parts)
            {
                if (part.Kind == GlobPartKind.Literal && (part.Literal == ' ' || part.Literal == '\t' || part.Literal == '\n' || part.Literal == '\r' || part.Literal == '\u3000'))
                {
                    if (current.Count > 0)
                    {
                        result.Add(new GlobPattern(current));
                        current = new List<GlobPart>();
                    }

                    continue;
                }

                current.Add(part);
            }

            if (current.Count > 0)
            {
                result.Add(new GlobPattern(current));
            }

            return result;
        }

        /// <summary>The glob form (<c>*</c>, <c>?</c>), or null when a literal <c>*</c> or <c>?</c> cannot be written in it.</summary>
        public string? ToGlob(bool lowercase)
        {
            var builder = new StringBuilder();
            foreach (var part in Parts)
            {
                if (part.Kind == GlobPartKind.Literal)
                {
                    if (part.Literal == '*' || part.Literal == '?')
                    {
                        return null;
                    }

                    builder.Append(lowercase ? char.ToLowerInvariant(part.Literal) : part.Literal);
                }
                else
                {
                    builder.Append(part.Kind == GlobPartKind.AnyRun ? '*' : '?');
                }
            }

            return builder.ToString();
        }

        /// <summary>An anchored Lucene regular expression matching exactly what the pattern matches.</summary>
        public string ToLuceneRegex()
        {
            const string reserved = ".?+*|{}[]()\"\\#@&<>~";
            var builder = new StringBuilder();
            foreach (var part in Parts)
            {
                switch (part.Kind)
                {
                    case GlobPartKind.AnyRun:
                        builder.Append(".*");
                        break;
                    case GlobPartKind.AnyChar:
                        builder.Append('.');
                        break;
                    default:
                        if (reserved.IndexOf(part.Literal) >= 0)
                        {
                            builder.Append('\\');
                        }

                        builder.Append(part.Literal);
                        break;
                }
            }

            return builder.ToString();
        }

        /// <summary>
        /// The whole-value string test for this pattern: Equals without wildcards, StartsWith / EndsWith / Contains
        /// for one literal run with stars around it, a glob otherwise, or a Lucene regex when the literal text holds
        /// <c>*</c> or <c>?</c>.
        /// </summary>
        public StringMatchExpr ToStringMatch(ValueExpr target, bool caseInsensitive)
        {
            if (!HasWildcards)
            {
                return new StringMatchExpr(target, StringMatchKind.Equals, new[] { LiteralText }, caseInsensitive);
            }

            // One literal run with a single '*' before and/or after it: a literal prefix, suffix or substring test
            // (the literal may hold '*' or '?' characters).
            var leading = Parts[0].Kind == GlobPartKind.AnyRun;
            var trailing = Parts[Parts.Count - 1].Kind == GlobPartKind.AnyRun;
            var from = leading ? 1 : 0;
            var to = trailing ? Parts.Count - 1 : Parts.Count;
            var inner = new StringBuilder();
            var innerIsLiteral = to > from;
            for (var i = from; i < to && innerIsLiteral; i++)
            {
                innerIsLiteral = Parts[i].Kind == GlobPartKind.Literal;
                inner.Append(Parts[i].Literal);
            }

            if (innerIsLiteral)
            {
                var kind = leading && trailing ? StringMatchKind.Contains : leading ? StringMatchKind.EndsWith : StringMatchKind.StartsWith;
                return new StringMatchExpr(target, kind, new[] { inner.ToString() }, caseInsensitive);
            }

            var glob = ToGlob(lowercase: false);
            return glob is null
                ? new StringMatchExpr(target, StringMatchKind.Regex, new[] { ToRegex() }, caseInsensitive)
                : new StringMatchExpr(target, StringMatchKind.Wildcard, new[] { glob }, caseInsensitive);
        }

        /// <summary>The IR's form of a regex test: the anchored .NET translation of <see cref="ToLuceneRegex"/>
        /// (a regex in the IR is matched as .NET reads it, so the raw Lucene text would match anywhere in the value).
        /// Every reserved character is escaped, so the translation cannot fail.</summary>
        public string ToRegex()
        {
            var lucene = ToLuceneRegex();
            return Eql.LuceneRegex.Translate(lucene, out var error)
                ?? throw new InvalidOperationException($"The escaped wildcard pattern '{lucene}' is not a valid Lucene regex: {error}");
        }
    }
}
