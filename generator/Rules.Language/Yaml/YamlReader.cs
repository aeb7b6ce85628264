using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rules.Language.Yaml
{
    /// <summary>
    /// Reads a YAML rule file (one document whose root is a mapping) into the format-neutral <see cref="DocNode"/>
    /// tree, using YamlDotNet's parser events for the structure and their marks for spans. Plain scalars are resolved
    /// with the YAML 1.2 core schema (null, booleans, integers, floats); quoted and block scalars are strings. Every
    /// string gets a <see cref="StringSourceMap"/> (see <see cref="YamlScalarMapper"/> for how exact it is). Syntax
    /// errors, duplicate keys and non-mapping roots are DR1101. Never throws.
    /// </summary>
    public static class YamlReader
    {
        private const string CoreTagPrefix = "tag:yaml.org,2002:";

        public static DocParseResult Parse(SourceText source)
        {
            var builder = new Builder(source);
            return builder.Run();
        }

        private sealed class Builder
        {
            private readonly SourceText _source;
            private readonly string _text;
            private readonly List<RuleDiagnostic> _diagnostics = new List<RuleDiagnostic>();
            private readonly Dictionary<string, DocNode> _anchors = new Dictionary<string, DocNode>(StringComparer.Ordinal);
            private IParser _parser = null!;
            private int _bom;

            public Builder(SourceText source)
            {
                _source = source;
                _text = source.Text ?? string.Empty;
            }

            public DocParseResult Run()
            {
                DocTable? root = null;
                try
                {
                    // A byte-order mark is not content; YamlDotNet only drops it when it decodes bytes itself.
                    _bom = _text.Length > 0 && _text[0] == '\uFEFF' ? 1 : 0;
                    _parser = new Parser(new StringReader(_bom == 0 ? _text : _text.Substring(1)));
                    _parser.Consume<StreamStart>();
                    if (_parser.TryConsume<StreamEnd>(out _))
                    {
                        // An empty file is an empty mapping: the rule reader then names the missing keys.
                        return new DocParseResult(new DocTable(new SourceSpan(0, 0)), _diagnostics);
                    }

                    _parser.Consume<DocumentStart>();
                    if (_parser.Accept<DocumentEnd>(out _))
                    {
                        root = new DocTable(new SourceSpan(0, 0));
                    }
                    else
                    {
                        var node = ReadNode();
                        root = node as DocTable;
                        if (node is DocScalar { Kind: DocNodeKind.Null })
                        {
                            // "---" with nothing after it: an empty document, read as an empty mapping.
                            root = new DocTable(node.Span);
                        }
                        else if (root is null && node != null)
                        {
                            Error(node.Span, $"A rule file must be a YAML mapping (key: value lines) at the top, but this one is {node.KindName}.");
                        }
                    }

                    _parser.Consume<DocumentEnd>();
                    if (_parser.Current is DocumentStart second)
                    {
                        Error(Span(second.Start, second.End), "A rule file holds one YAML document; remove the second document (after '---') or move it to its own file.");
                    }
                }
                catch (YamlException e)
                {
                    var at = Offset(e.Start);
                    var length = Math.Max(0, Offset(e.End) - at);
                    if (e.Message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0 && FirstIndentingTab(at) is int tab)
                    {
                        // YamlDotNet marks the enclosing mapping; the tab itself is what the author must fix.
                        at = tab;
                        length = 1;
                    }

                    Error(new SourceSpan(at, length), CleanMessage(e.Message));
                }
                catch (Exception e)
                {
                    // YamlDotNet is a third-party parser: whatever else it throws (it throws InvalidOperationException
                    // for some unclosed flow collections) becomes a diagnostic after the last event it read.
                    var at = _parser?.Current is ParsingEvent last ? Offset(last.End) : 0;
                    Error(new SourceSpan(at, 0), $"Invalid YAML after this point ({e.Message.TrimEnd('.')}). Check for an unclosed '[', '{{' or quote.");
                }

                return _diagnostics.Count > 0 ? new DocParseResult(null, _diagnostics) : new DocParseResult(root, _diagnostics);
            }

            /// <summary>The first tab at the start of a line (indentation) at or after the offset.</summary>
            private int? FirstIndentingTab(int from)
            {
                var lineStart = true;
                for (var i = 0; i < _text.Length; i++)
                {
                    var c = _text[i];
                    if (lineStart && c == '\t' && i >= from)
                    {
                        return i;
                    }

                    lineStart = c == '\n' || c == '\r' || (lineStart && (c == ' ' || c == '\t'));
                }

                return null;
            }

            private static string CleanMessage(string message)
            {
                // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 20) - (Line: ...): "; the diagnostic carries the location itself.
                var marker = message.IndexOf("): ", StringComparison.Ordinal);
                var text = message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0 ? message.Substring(marker + 3) : message;
                return "Invalid YAML: " + text.TrimEnd('.') + ". Fix the syntax at this position.";
            }

            private void Error(SourceSpan span, string message) =>
                _diagnostics.Add(DiagnosticIds.YamlSyntax.Create(_source, span, message));

            private int Offset(Mark mark)
            {
                var index = (int)Math.Min(mark.Index + _bom, _text.Length);
                return index < 0 ? 0 : index;
            }

            private SourceSpan Span(Mark start, Mark end)
            {
                var s = Offset(start);
                return SourceSpan.FromBounds(s, Math.Max(s, Offset(end)));
            }

            private DocNode? ReadNode()
            {
                if (_parser.TryConsume<AnchorAlias>(out var alias))
                {
                    if (_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        return target;
                    }

                    Error(Span(alias.Start, alias.End), $"The alias '*{alias.Value.Value}' names no anchor defined before it. Define '&{alias.Value.Value}' first.");
                    return null;
                }

                if (_parser.TryConsume<Scalar>(out var scalar))
                {
                    return Remember(scalar.Anchor, ReadScalar(scalar));
                }

                if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
                {
                    var items = new List<DocNode>();
                    var end = sequenceStart.End;
                    while (_parser.Current != null)
                    {
                        if (_parser.Current is SequenceEnd sequenceEnd)
                        {
                            end = sequenceEnd.End;
                            _parser.MoveNext();
                            break;
                        }

                        var item = ReadNode();
                        if (item != null)
                        {
                            items.Add(item);
                        }
                    }

                    var array = new DocArray(Span(sequenceStart.Start, IncludeClosing(end, ']')));
                    foreach (var item in items)
                    {
                        array.Add(item);
                    }

                    return Remember(sequenceStart.Anchor, array);
                }

                if (_parser.TryConsume<MappingStart>(out var mappingStart))
                {
                    var entries = new List<DocEntry>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    var end = mappingStart.End;
                    while (_parser.Current != null)
                    {
                        if (_parser.Current is MappingEnd mappingEnd)
                        {
                            end = mappingEnd.End;
                            _parser.MoveNext();
                            break;
                        }

                        string key;
                        SourceSpan keySpan;
                        if (_parser.Current is Scalar keyScalar)
                        {
                            // Keys are their text, untyped: "1: x" and "true: x" have the keys "1" and "true".
                            _parser.MoveNext();
                            key = keyScalar.Value;
                            var keyStart = YamlScalarMapper.SkipProperties(_text, Offset(keyScalar.Start), Offset(keyScalar.End));
                            keySpan = SourceSpan.FromBounds(keyStart, Math.Max(keyStart, Offset(keyScalar.End)));
                            Remember(keyScalar.Anchor, new DocScalar(DocNodeKind.String, keySpan, key, YamlScalarMapper.Map(_text, keyScalar, Offset(keyScalar.Start), Offset(keyScalar.End))));
                        }
                        else
                        {
                            var keyNode = ReadNode();
                            if (keyNode is not DocScalar { Kind: not DocNodeKind.Null } scalarKey)
                            {
                                if (keyNode != null)
                                {
                                    Error(keyNode.Span, $"A mapping key must be a plain or quoted string, not {keyNode.KindName}.");
                                }

                                ReadNode();
                                continue;
                            }

                            // An alias of a scalar used as a key.
                            key = scalarKey.Value as string ?? Convert.ToString(scalarKey.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                            keySpan = scalarKey.Span;
                        }

                        var value = ReadNode();
                        if (!seen.Add(key))
                        {
                            Error(keySpan, $"The key '{key}' appears twice in this mapping. Remove one of them.");
                            continue;
                        }

                        if (value != null)
                        {
                            entries.Add(new DocEntry(key, keySpan, value));
                        }
                    }

                    var table = new DocTable(Span(mappingStart.Start, IncludeClosing(end, '}')));
                    foreach (var entry in entries)
                    {
                        table.TryAdd(entry);
                    }

                    return Remember(mappingStart.Anchor, table);
                }

                var unexpected = _parser.Current;
                if (unexpected != null)
                {
                    Error(Span(unexpected.Start, unexpected.End), "Unexpected YAML content here.");
                    _parser.MoveNext();
                }

                return null;
            }

            /// <summary>A flow collection's end mark is at its closing bracket; its span includes the bracket.</summary>
            private Mark IncludeClosing(Mark end, char closing)
            {
                var at = Offset(end);
                return at < _text.Length && _text[at] == closing ? new Mark(end.Index + 1, end.Line, end.Column + 1) : end;
            }

            private DocNode Remember(AnchorName anchor, DocNode node)
            {
                if (!anchor.IsEmpty)
                {
                    _anchors[anchor.Value] = node;
                }

                return node;
            }

            private DocNode ReadScalar(Scalar scalar)
            {
                // The scalar's mark starts at its properties (&anchor, !tag); its span is the content only.
                var contentStart = YamlScalarMapper.SkipProperties(_text, Offset(scalar.Start), Offset(scalar.End));
                var span = SourceSpan.FromBounds(contentStart, Math.Max(contentStart, Offset(scalar.End)));
                var tag = scalar.Tag.IsEmpty ? string.Empty : scalar.Tag.Value;
                var isPlain = scalar.Style == ScalarStyle.Plain;
                if (isPlain && tag.Length == 0 || tag == CoreTagPrefix + "null" || tag == CoreTagPrefix + "bool"
                    || tag == CoreTagPrefix + "int" || tag == CoreTagPrefix + "float")
                {
                    var resolved = ResolveCore(scalar.Value, span, tag);
                    if (resolved != null)
                    {
                        return resolved;
                    }
                }

                var map = YamlScalarMapper.Map(_text, scalar, Offset(scalar.Start), Offset(scalar.End));
                return new DocScalar(DocNodeKind.String, span, scalar.Value, map);
            }

            /// <summary>YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema): null when the text is a string.</summary>
            private DocScalar? ResolveCore(string text, SourceSpan span, string tag)
            {
                if (tag.Length == 0 || tag == CoreTagPrefix + "null")
                {
                    if (text.Length == 0 || text == "~" || text == "null" || text == "Null" || text == "NULL")
                    {
                        return new DocScalar(DocNodeKind.Null, span, null);
                    }
                }

                if (tag.Length == 0 || tag == CoreTagPrefix + "bool")
                {
                    if (text == "true" || text == "True" || text == "TRUE")
                    {
                        return new DocScalar(DocNodeKind.Boolean, span, true);
                    }

                    if (text == "false" || text == "False" || text == "FALSE")
                    {
                        return new DocScalar(DocNodeKind.Boolean, span, false);
                    }
                }

                if (tag.Length == 0 || tag == CoreTagPrefix + "int")
                {
                    if (TryParseCoreInteger(text, out var integer, out var overflow))
                    {
                        return new DocScalar(DocNodeKind.Integer, span, integer);
                    }

                    if (overflow)
                    {
                        Error(span, $"The integer {text} does not fit in 64 bits. Quote it to keep it as a string.");
                        return new DocScalar(DocNodeKind.Null, span, null);
                    }
                }

                if (tag.Length == 0 || tag == CoreTagPrefix + "float")
                {
                    if (TryParseCoreFloat(text, out var number))
                    {
                        return new DocScalar(DocNodeKind.Float, span, number);
                    }
                }

                if (tag.Length != 0)
                {
                    Error(span, $"'{text}' is not a valid value for the tag !!{tag.Substring(CoreTagPrefix.Length)}. Fix the value or remove the tag.");
                    return new DocScalar(DocNodeKind.Null, span, null);
                }

                return null;
            }

            private static bool TryParseCoreInteger(string text, out long value, out bool overflow)
            {
                value = 0;
                overflow = false;
                if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o'))
                {
                    var radix = text[1] == 'x' ? 16 : 8;
                    ulong accumulator = 0;
                    for (var i = 2; i < text.Length; i++)
                    {
                        var d = HexDigit(text[i]);
                        if (d < 0 || d >= radix)
                        {
                            return false;
                        }

                        if (accumulator > (ulong.MaxValue - (ulong)d) / (ulong)radix)
                        {
                            overflow = true;
                            return false;
                        }

                        accumulator = (accumulator * (ulong)radix) + (ulong)d;
                    }

                    if (accumulator > long.MaxValue)
                    {
                        overflow = true;
                        return false;
                    }

                    value = (long)accumulator;
                    return true;
                }

                var start = text.Length > 0 && (text[0] == '+' || text[0] == '-') ? 1 : 0;
                if (start == text.Length)
                {
                    return false;
                }

                for (var i = start; i < text.Length; i++)
                {
                    if (text[i] < '0' || text[i] > '9')
                    {
                        return false;
                    }
                }

                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                {
                    overflow = true;
                    return false;
                }

                return true;
            }

            private static int HexDigit(char c) =>
                c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

            /// <summary>[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, .inf, .nan (core schema).</summary>
            private static bool TryParseCoreFloat(string text, out double value)
            {
                value = 0;
                var i = 0;
                var negative = false;
                if (i < text.Length && (text[i] == '+' || text[i] == '-'))
                {
                    negative = text[i] == '-';
                    i++;
                }

                var rest = text.Substring(i);
                if (rest == ".inf" || rest == ".Inf" || rest == ".INF")
                {
                    value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                    return true;
                }

                if (i == 0 && (rest == ".nan" || rest == ".NaN" || rest == ".NAN"))
                {
                    value = double.NaN;
                    return true;
                }

                var digitsBefore = 0;
                while (i < text.Length && char.IsDigit(text[i]) && text[i] <= '9')
                {
                    i++;
                    digitsBefore++;
                }

                var digitsAfter = 0;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    while (i < text.Length && text[i] >= '0' && text[i] <= '9')
                    {
                        i++;
                        digitsAfter++;
                    }
                }

                if (digitsBefore == 0 && digitsAfter == 0)
                {
                    return false;
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    i++;
                    if (i < text.Length && (text[i] == '+' || text[i] == '-'))
                    {
                        i++;
                    }

                    var exponentDigits = 0;
                    while (i < text.Length && text[i] >= '0' && text[i] <= '9')
                    {
                        i++;
                        exponentDigits++;
                    }

                    if (exponentDigits == 0)
                    {
                        return false;
                    }
                }

                return i == text.Length && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            }
        }
    }
}
