using System.Collections.Generic;
using System.Text;
using Rules.Language.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rules.Language.Yaml
{
    /// <summary>
    /// Builds the <see cref="StringSourceMap"/> of a YAML string scalar by re-reading its text in the file with the
    /// YAML 1.2 rules for its style (line folding, quote and backslash escapes, block indentation and chomping) and
    /// recording where each character of the value came from. The rebuilt value is compared with YamlDotNet's: when
    /// they agree (every case the tests cover), the map is exact; when they do not (a block scalar with an explicit
    /// indentation indicator, exotic escapes), each value character is aligned with the next equal character of the
    /// scalar's text, which is approximate but stays inside the scalar. See docs/rule-files.md.
    /// </summary>
    internal static class YamlScalarMapper
    {
        public static StringSourceMap Map(string text, Scalar scalar, int start, int end) =>
            TryMapExactly(text, scalar, start, end, out var map) ? map : Align(text, start, System.Math.Min(end, text.Length), scalar.Value);

        /// <summary>The exact map, when re-reading the scalar's text by its style rebuilds YamlDotNet's value.</summary>
        internal static bool TryMapExactly(string text, Scalar scalar, int start, int end, out StringSourceMap map)
        {
            var value = scalar.Value;
            end = end > text.Length ? text.Length : end;
            start = SkipProperties(text, start, end);
            map = new StringSourceMap(start);
            if (start >= end)
            {
                return value.Length == 0;
            }

            var offsets = new List<int>(value.Length + 1);
            var rebuilt = new StringBuilder(value.Length);
            var ok = scalar.Style switch
            {
                ScalarStyle.Plain => ReadFlow(text, start, end, FlowKind.Plain, rebuilt, offsets),
                ScalarStyle.SingleQuoted => ReadFlow(text, start + 1, end - 1, FlowKind.SingleQuoted, rebuilt, offsets),
                ScalarStyle.DoubleQuoted => ReadFlow(text, start + 1, end - 1, FlowKind.DoubleQuoted, rebuilt, offsets),
                ScalarStyle.Literal or ScalarStyle.Folded => ReadBlockAnyIndentation(text, start, end, scalar.Style == ScalarStyle.Folded, value, rebuilt, offsets),
                _ => false,
            };

            if (!ok || rebuilt.ToString() != value)
            {
                return false;
            }

            var contentStart = offsets.Count > 0 ? offsets[0] : start;
            var verbatim = true;
            for (var i = 0; i < offsets.Count; i++)
            {
                if (offsets[i] != contentStart + i)
                {
                    verbatim = false;
                    break;
                }
            }

            if (verbatim)
            {
                map = new StringSourceMap(contentStart);
                return true;
            }

            offsets.Add(offsets.Count > 0 ? offsets[offsets.Count - 1] + 1 : start);
            map = new StringSourceMap(offsets.ToArray());
            return true;
        }

        /// <summary>
        /// YamlDotNet's scalar mark starts at the node's properties (<c>&amp;anchor</c>, <c>!tag</c>); the content starts
        /// after them and the white space (or line breaks) that follow.
        /// </summary>
        internal static int SkipProperties(string text, int start, int end)
        {
            var i = start;
            while (i < end && (text[i] == '&' || text[i] == '!'))
            {
                while (i < end && text[i] != ' ' && text[i] != '\t' && !IsBreak(text, i))
                {
                    i++;
                }

                while (i < end && (text[i] == ' ' || text[i] == '\t' || IsBreak(text, i)))
                {
                    i++;
                }
            }

            return i;
        }

        private enum FlowKind
        {
            Plain,
            SingleQuoted,
            DoubleQuoted,
        }

        private static bool IsBreak(string text, int i) => i < text.Length && (text[i] == '\n' || text[i] == '\r');

        private static int SkipBreak(string text, int i) => text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? i + 2 : i + 1;

        private static bool IsSpace(char c) => c == ' ' || c == '\t';

        /// <summary>Plain and quoted scalars: YAML 1.2 §6.5 line folding, §7.3 quote and escape rules.</summary>
        private static bool ReadFlow(string text, int i, int end, FlowKind kind, StringBuilder value, List<int> offsets)
        {
            var pending = new List<int>();
            while (i < end)
            {
                var c = text[i];
                if (IsSpace(c))
                {
                    pending.Add(i++);
                    continue;
                }

                if (IsBreak(text, i))
                {
                    // Folding: trailing white space is dropped; one break becomes a space, n breaks become n-1 newlines.
                    pending.Clear();
                    var firstBreak = i;
                    i = SkipBreak(text, i);
                    var emptyLines = new List<int>();
                    while (true)
                    {
                        while (i < end && IsSpace(text[i]))
                        {
                            i++;
                        }

                        if (i < end && IsBreak(text, i))
                        {
                            emptyLines.Add(i);
                            i = SkipBreak(text, i);
                            continue;
                        }

                        break;
                    }

                    if (emptyLines.Count == 0)
                    {
                        Emit(value, offsets, ' ', firstBreak);
                    }
                    else
                    {
                        foreach (var at in emptyLines)
                        {
                            Emit(value, offsets, '\n', at);
                        }
                    }

                    continue;
                }

                Flush(text, pending, value, offsets);
                if (kind == FlowKind.SingleQuoted && c == '\'' && i + 1 < end && text[i + 1] == '\'')
                {
                    Emit(value, offsets, '\'', i);
                    i += 2;
                    continue;
                }

                if (kind == FlowKind.DoubleQuoted && c == '\\')
                {
                    if (i + 1 >= end)
                    {
                        return false;
                    }

                    if (IsBreak(text, i + 1))
                    {
                        // An escaped line break joins the lines with nothing between them (§7.3.1).
                        i = SkipBreak(text, i + 1);
                        while (i < end && IsSpace(text[i]))
                        {
                            i++;
                        }

                        continue;
                    }

                    var escapeStart = i;
                    var decoded = DecodeEscape(text, ref i, end);
                    if (decoded is null)
                    {
                        return false;
                    }

                    foreach (var ch in decoded)
                    {
                        Emit(value, offsets, ch, escapeStart);
                    }

                    continue;
                }

                Emit(value, offsets, c, i++);
            }

            Flush(text, pending, value, offsets);
            return true;
        }

        private static void Flush(string text, List<int> pending, StringBuilder value, List<int> offsets)
        {
            foreach (var at in pending)
            {
                Emit(value, offsets, text[at], at);
            }

            pending.Clear();
        }

        private static void Emit(StringBuilder value, List<int> offsets, char c, int at)
        {
            value.Append(c);
            offsets.Add(at);
        }

        /// <summary>A double-quoted escape (§5.7) at <paramref name="i"/>; advances past it. Null if it is not one.</summary>
        private static string? DecodeEscape(string text, ref int i, int end)
        {
            var e = text[i + 1];
            i += 2;
            switch (e)
            {
                case '0': return "\0";
                case 'a': return "\a";
                case 'b': return "\b";
                case 't': case '\t': return "\t";
                case 'n': return "\n";
                case 'v': return "\v";
                case 'f': return "\f";
                case 'r': return "\r";
                case 'e': return "\u001B";
                case ' ': return " ";
                case '"': return "\"";
                case '/': return "/";
                case '\\': return "\\";
                case 'N': return "\u0085";
                case '_': return "\u00A0";
                case 'L': return "\u2028";
                case 'P': return "\u2029";
                case 'x': return Hex(text, ref i, end, 2);
                case 'u': return Hex(text, ref i, end, 4);
                case 'U': return Hex(text, ref i, end, 8);
                default: return null;
            }
        }

        private static string? Hex(string text, ref int i, int end, int digits)
        {
            if (i + digits > end)
            {
                return null;
            }

            var code = 0;
            for (var k = 0; k < digits; k++)
            {
                var c = text[i + k];
                var d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0)
                {
                    return null;
                }

                code = (code * 16) + d;
            }

            i += digits;
            if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            {
                return null;
            }

            return char.ConvertFromUtf32(code);
        }

        /// <summary>
        /// A block scalar whose header may carry an indentation indicator. The indicator counts from the parent node's
        /// indentation, which the event does not tell, so each plausible indentation is tried and the one whose
        /// reading gives YamlDotNet's value is kept.
        /// </summary>
        private static bool ReadBlockAnyIndentation(string text, int start, int end, bool folded, string expected, StringBuilder value, List<int> offsets)
        {
            var indicator = 0;
            for (var k = start + 1; k < end && k < start + 3; k++)
            {
                if (text[k] >= '1' && text[k] <= '9')
                {
                    indicator = text[k] - '0';
                }
            }

            if (indicator == 0)
            {
                // Auto-detected indentation; a document-level block scalar may have none at all (§8.1.1.1).
                if (ReadBlock(text, start, end, folded, -1, value, offsets) && value.ToString() == expected)
                {
                    return true;
                }

                value.Clear();
                offsets.Clear();
                return ReadBlock(text, start, end, folded, 0, value, offsets);
            }

            var lineStart = start;
            while (lineStart > 0 && text[lineStart - 1] != '\n' && text[lineStart - 1] != '\r')
            {
                lineStart--;
            }

            for (var indent = indicator; indent <= (start - lineStart) + indicator; indent++)
            {
                value.Clear();
                offsets.Clear();
                if (ReadBlock(text, start, end, folded, indent, value, offsets) && value.ToString() == expected)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Block scalars (§8.1): header, indentation (given, or auto-detected when -1), literal or folded lines, chomping.</summary>
        private static bool ReadBlock(string text, int i, int end, bool folded, int indent, StringBuilder value, List<int> offsets)
        {
            // Indentation 0 is only possible when given (a document-level scalar); auto-detection never accepts it.
            var zeroIndentAllowed = indent == 0;
            if (i >= end || (text[i] != '|' && text[i] != '>'))
            {
                return false;
            }

            i++;
            var chomping = 'c';
            while (i < end && (text[i] == '+' || text[i] == '-' || (text[i] >= '1' && text[i] <= '9')))
            {
                if (text[i] == '+' || text[i] == '-')
                {
                    chomping = text[i];
                }

                i++;
            }

            while (i < text.Length && !IsBreak(text, i))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return true;
            }

            i = SkipBreak(text, i);

            // Lines of the scalar: content start and end, and the offset of the line break (-1 at the end of the file);
            // the indentation is the first non-empty line's (auto-detection, §8.1.1.1).
            var lines = new List<(int Start, int End, int Break)>();
            var scan = i;
            while (scan < text.Length)
            {
                var lineStart = scan;
                var spaces = 0;
                while (scan < text.Length && text[scan] == ' ')
                {
                    scan++;
                    spaces++;
                }

                var contentEnd = scan;
                while (contentEnd < text.Length && !IsBreak(text, contentEnd))
                {
                    contentEnd++;
                }

                var isEmpty = contentEnd == scan;
                if (!isEmpty && indent < 0)
                {
                    indent = spaces;
                }

                if (!isEmpty && spaces < indent)
                {
                    break;
                }

                if (!isEmpty && indent == 0 && (!zeroIndentAllowed || IsDocumentMarker(text, lineStart)))
                {
                    break;
                }

                var contentStart = isEmpty ? (indent >= 0 ? System.Math.Min(lineStart + indent, contentEnd) : contentEnd) : lineStart + indent;
                var breakAt = contentEnd < text.Length ? contentEnd : -1;
                lines.Add((contentStart, contentEnd, breakAt));
                scan = breakAt < 0 ? text.Length : SkipBreak(text, contentEnd);
            }

            // Trailing empty lines belong to chomping, not to the content.
            var lastContent = lines.Count - 1;
            while (lastContent >= 0 && lines[lastContent].Start == lines[lastContent].End)
            {
                lastContent--;
            }

            for (var n = 0; n <= lastContent; n++)
            {
                var line = lines[n];
                for (var k = line.Start; k < line.End; k++)
                {
                    Emit(value, offsets, text[k], k);
                }

                if (n == lastContent)
                {
                    break;
                }

                if (line.Break < 0)
                {
                    return false;
                }

                var next = lines[n + 1];
                var lineIsText = line.Start < line.End && !IsSpace(text[line.Start]);
                if (folded && lineIsText && next.Start < next.End && !IsSpace(text[next.Start]))
                {
                    // Folding between two text lines: the break becomes a space.
                    Emit(value, offsets, ' ', line.Break);
                    continue;
                }

                if (folded && lineIsText && next.Start == next.End)
                {
                    // A text line followed by empty lines: the first break is dropped, each empty line is a newline,
                    // unless the next non-empty line is more indented (then all breaks are kept).
                    var m = n + 1;
                    while (m <= lastContent && lines[m].Start == lines[m].End)
                    {
                        m++;
                    }

                    var nextText = lines[m];
                    if (nextText.Start < nextText.End && !IsSpace(text[nextText.Start]))
                    {
                        for (var k = n + 1; k < m; k++)
                        {
                            Emit(value, offsets, '\n', lines[k].Break);
                        }

                        n = m - 1;
                        continue;
                    }
                }

                Emit(value, offsets, '\n', line.Break);
            }

            if (lastContent < 0)
            {
                // Only empty lines: "keep" keeps their breaks, otherwise the value is empty.
                if (chomping == '+')
                {
                    foreach (var line in lines)
                    {
                        if (line.Break >= 0)
                        {
                            Emit(value, offsets, '\n', line.Break);
                        }
                    }
                }

                return true;
            }

            if (chomping == '-')
            {
                return true;
            }

            var last = lines[lastContent];
            if (last.Break >= 0)
            {
                Emit(value, offsets, '\n', last.Break);
            }

            if (chomping == '+')
            {
                for (var n = lastContent + 1; n < lines.Count; n++)
                {
                    if (lines[n].Break >= 0)
                    {
                        Emit(value, offsets, '\n', lines[n].Break);
                    }
                }
            }

            return true;
        }

        /// <summary>A line starting with "---" or "..." followed by a blank or line end, which ends a document.</summary>
        private static bool IsDocumentMarker(string text, int lineStart)
        {
            if (lineStart + 3 > text.Length)
            {
                return false;
            }

            var marker = text.Substring(lineStart, 3);
            return (marker == "---" || marker == "...")
                && (lineStart + 3 == text.Length || text[lineStart + 3] == ' ' || text[lineStart + 3] == '\t' || IsBreak(text, lineStart + 3));
        }

        /// <summary>The approximate map: each value character at the next equal character of the scalar's text.</summary>
        private static StringSourceMap Align(string text, int start, int end, string value)
        {
            var offsets = new int[value.Length + 1];
            var position = start;
            for (var i = 0; i < value.Length; i++)
            {
                var found = -1;
                for (var k = position; k < end; k++)
                {
                    if (text[k] == value[i])
                    {
                        found = k;
                        break;
                    }
                }

                offsets[i] = found >= 0 ? found : System.Math.Min(position, System.Math.Max(start, end - 1));
                if (found >= 0)
                {
                    position = found + 1;
                }
            }

            offsets[value.Length] = System.Math.Max(start, end);
            return new StringSourceMap(offsets);
        }
    }
}
