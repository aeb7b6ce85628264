using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Text;

namespace Rules.Language.Toml
{
    /// <summary>
    /// A TOML 1.0.0 reader (https://toml.io/en/v1.0.0) that builds the format-neutral <see cref="DocNode"/> tree with
    /// exact spans and, for every string, a map from each character of the value back to its offset in the file.
    /// Syntax errors are DR1001 at the offending character (reading stops at the first one, since what follows a
    /// syntax error cannot be trusted); redefinitions (duplicate keys, a table defined twice, extending an inline table,
    /// ...) are DR1002 at the key or header that redefines. Never throws for bad input.
    /// </summary>
    public static class TomlReader
    {
        public static DocParseResult Parse(SourceText source)
        {
            var parser = new Parser(source);
            return parser.ParseDocument();
        }

        /// <summary>Thrown inside the parser only, to unwind to <see cref="Parser.ParseDocument"/>; never escapes.</summary>
        private sealed class TomlSyntaxException : Exception
        {
            public TomlSyntaxException(RuleDiagnostic diagnostic)
                : base(diagnostic.Message)
            {
                Diagnostic = diagnostic;
            }

            public RuleDiagnostic Diagnostic { get; }
        }

        /// <summary>How a table came to exist, which decides whether it may be defined or extended later (TOML 1.0 "Table").</summary>
        private enum TableOrigin
        {
            /// <summary>The document root.</summary>
            Root,
            /// <summary>Created as a parent of a header such as <c>[a.b.c]</c> (for a and a.b): may be defined once later.</summary>
            Implicit,
            /// <summary>Defined by its own <c>[header]</c>, or an element of an array of tables.</summary>
            Header,
            /// <summary>Created by a dotted key such as <c>a.b = 1</c>: may gain keys by dotted keys and sub-tables by headers, never be defined by a header.</summary>
            Dotted,
            /// <summary>An inline table <c>{ ... }</c>: complete once written.</summary>
            Inline,
        }

        private sealed class TomlTable
        {
            public TomlTable(SourceSpan span, TableOrigin origin)
            {
                Span = span;
                Origin = origin;
            }

            public SourceSpan Span { get; set; }

            public TableOrigin Origin { get; set; }

            /// <summary>The dotted name of a header-defined table (for messages about keys inside it); empty otherwise.</summary>
            public string Path { get; set; } = string.Empty;

            /// <summary>Set for tables inside an inline table, which are as closed as the inline table itself.</summary>
            public bool Frozen { get; set; }

            public List<TomlEntry> Entries { get; } = new List<TomlEntry>();

            public Dictionary<string, TomlEntry> ByKey { get; } = new Dictionary<string, TomlEntry>(StringComparer.Ordinal);

            public void Add(TomlEntry entry)
            {
                Entries.Add(entry);
                ByKey.Add(entry.Key, entry);
            }
        }

        private sealed class TomlArray
        {
            public TomlArray(SourceSpan span, bool isArrayOfTables)
            {
                Span = span;
                IsArrayOfTables = isArrayOfTables;
            }

            public SourceSpan Span { get; }

            public bool IsArrayOfTables { get; }

            public List<object> Items { get; } = new List<object>();
        }

        private sealed class TomlEntry
        {
            public TomlEntry(string key, SourceSpan keySpan, object value)
            {
                Key = key;
                KeySpan = keySpan;
                Value = value;
            }

            public string Key { get; }

            public SourceSpan KeySpan { get; }

            /// <summary>A <see cref="TomlTable"/>, a <see cref="TomlArray"/> or a <see cref="DocScalar"/>.</summary>
            public object Value { get; }
        }

        private readonly struct KeyPart
        {
            public KeyPart(string name, SourceSpan span)
            {
                Name = name;
                Span = span;
            }

            public string Name { get; }

            public SourceSpan Span { get; }
        }

        private sealed class Parser
        {
            private readonly SourceText _source;
            private readonly string _text;
            private readonly List<RuleDiagnostic> _diagnostics = new List<RuleDiagnostic>();
            private int _pos;

            public Parser(SourceText source)
            {
                _source = source;
                _text = source.Text ?? string.Empty;
            }

            public DocParseResult ParseDocument()
            {
                var root = new TomlTable(new SourceSpan(0, _text.Length), TableOrigin.Root);
                try
                {
                    ParseBody(root);
                }
                catch (TomlSyntaxException syntax)
                {
                    _diagnostics.Add(syntax.Diagnostic);
                }

                if (_diagnostics.Count > 0)
                {
                    return new DocParseResult(null, _diagnostics);
                }

                return new DocParseResult((DocTable)ToDocNode(root), _diagnostics);
            }

            private void ParseBody(TomlTable root)
            {
                if (_text.Length > 0 && _text[0] == '\uFEFF')
                {
                    _pos = 1;
                }

                var current = root;
                while (true)
                {
                    SkipWhitespace();
                    if (AtEnd)
                    {
                        return;
                    }

                    var c = _text[_pos];
                    if (c == '#')
                    {
                        SkipComment();
                        ExpectLineEnd();
                    }
                    else if (c == '\n' || c == '\r')
                    {
                        ExpectLineEnd();
                    }
                    else if (c == '[')
                    {
                        current = ParseHeader(root);
                        ExpectLineEndAfterValue("the table header", "Put keys on the lines after the header");
                    }
                    else
                    {
                        ParseKeyValue(current);
                        ExpectLineEndAfterValue("the value", "Put each key = value pair on its own line");
                    }
                }
            }

            private bool AtEnd => _pos >= _text.Length;

            private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

            // ---------- errors ----------

            private TomlSyntaxException SyntaxError(int at, int length, string message) =>
                new TomlSyntaxException(DiagnosticIds.TomlSyntax.Create(_source, new SourceSpan(at, length), message));

            private TomlSyntaxException SyntaxErrorHere(string message) =>
                SyntaxError(_pos, AtEnd ? 0 : 1, message);

            private void Redefinition(SourceSpan span, string message) =>
                _diagnostics.Add(DiagnosticIds.TomlDuplicateKey.Create(_source, span, message));

            private string Describe(int at)
            {
                if (at >= _text.Length)
                {
                    return "the end of the file";
                }

                var c = _text[at];
                return c switch
                {
                    '\n' => "the end of the line",
                    '\r' => "a carriage return",
                    '\t' => "a tab",
                    _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
                    _ => $"'{c}'",
                };
            }

            // ---------- whitespace, comments, line ends ----------

            private void SkipWhitespace()
            {
                while (!AtEnd && (_text[_pos] == ' ' || _text[_pos] == '\t'))
                {
                    _pos++;
                }
            }

            private void SkipComment()
            {
                // '#' up to the end of the line; control characters other than tab are not allowed in comments.
                _pos++;
                while (!AtEnd)
                {
                    var c = _text[_pos];
                    if (c == '\n' || (c == '\r' && Peek(1) == '\n'))
                    {
                        return;
                    }

                    if (IsForbiddenControl(c))
                    {
                        throw SyntaxErrorHere($"A comment cannot contain {Describe(_pos)}. Remove it from the comment.");
                    }

                    _pos++;
                }
            }

            /// <summary>Control characters TOML forbids in comments and strings (all but tab).</summary>
            private static bool IsForbiddenControl(char c) => (c <= '\u0008') || (c >= '\u000A' && c <= '\u001F') || c == '\u007F';

            /// <summary>True (and consumes it) when at LF or CRLF.</summary>
            private bool TryNewline()
            {
                if (Peek() == '\n')
                {
                    _pos++;
                    return true;
                }

                if (Peek() == '\r' && Peek(1) == '\n')
                {
                    _pos += 2;
                    return true;
                }

                return false;
            }

            private void ExpectLineEnd()
            {
                if (AtEnd || TryNewline())
                {
                    return;
                }

                throw SyntaxErrorHere(Peek() == '\r'
                    ? "A carriage return must be followed by a line feed; TOML lines end with LF or CRLF."
                    : $"Expected the end of the line but found {Describe(_pos)}.");
            }

            private void ExpectLineEndAfterValue(string after, string fix)
            {
                SkipWhitespace();
                if (Peek() == '#')
                {
                    SkipComment();
                }

                if (AtEnd || TryNewline())
                {
                    return;
                }

                throw SyntaxErrorHere(Peek() == '\r'
                    ? "A carriage return must be followed by a line feed; TOML lines end with LF or CRLF."
                    : $"Expected the end of the line after {after} but found {Describe(_pos)}. {fix}.");
            }

            /// <summary>Whitespace, newlines and comments, as allowed between array elements.</summary>
            private void SkipWhitespaceNewlinesAndComments()
            {
                while (true)
                {
                    SkipWhitespace();
                    if (Peek() == '#')
                    {
                        SkipComment();
                    }

                    if (!TryNewline())
                    {
                        return;
                    }
                }
            }

            // ---------- keys ----------

            private static bool IsBareKeyChar(char c) =>
                (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

            private List<KeyPart> ParseKey()
            {
                var parts = new List<KeyPart>();
                while (true)
                {
                    SkipWhitespace();
                    parts.Add(ParseSimpleKey());
                    SkipWhitespace();
                    if (Peek() != '.')
                    {
                        return parts;
                    }

                    _pos++;
                }
            }

            private KeyPart ParseSimpleKey()
            {
                var start = _pos;
                var c = Peek();
                if (c == '"')
                {
                    if (Peek(1) == '"' && Peek(2) == '"')
                    {
                        throw SyntaxErrorHere("A key cannot be a multi-line string. Use a single-line \"quoted key\".");
                    }

                    var (value, _) = ParseBasicString(multiLine: false);
                    return new KeyPart(value, SourceSpan.FromBounds(start, _pos));
                }

                if (c == '\'')
                {
                    if (Peek(1) == '\'' && Peek(2) == '\'')
                    {
                        throw SyntaxErrorHere("A key cannot be a multi-line string. Use a single-line 'quoted key'.");
                    }

                    var (value, _) = ParseLiteralString(multiLine: false);
                    return new KeyPart(value, SourceSpan.FromBounds(start, _pos));
                }

                while (!AtEnd && IsBareKeyChar(_text[_pos]))
                {
                    _pos++;
                }

                if (_pos == start)
                {
                    throw SyntaxErrorHere($"Expected a key but found {Describe(_pos)}. Bare keys use A-Z, a-z, 0-9, '_' and '-'; quote any other key.");
                }

                return new KeyPart(_text.Substring(start, _pos - start), SourceSpan.FromBounds(start, _pos));
            }

            private static string JoinKey(List<KeyPart> parts, int count)
            {
                var builder = new StringBuilder();
                for (var i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append('.');
                    }

                    builder.Append(parts[i].Name);
                }

                return builder.ToString();
            }

            // ---------- tables ----------

            private TomlTable ParseHeader(TomlTable root)
            {
                var headerStart = _pos;
                var isArray = Peek(1) == '[';
                _pos += isArray ? 2 : 1;
                var key = ParseKey();
                if (Peek() != ']')
                {
                    throw SyntaxErrorHere($"Expected ']' to close the table header but found {Describe(_pos)}.");
                }

                _pos++;
                if (isArray)
                {
                    if (Peek() != ']')
                    {
                        throw SyntaxErrorHere($"Expected ']]' to close the array-of-tables header but found {Describe(_pos)}. Write [[name]] with no space between the brackets.");
                    }

                    _pos++;
                }

                var headerSpan = SourceSpan.FromBounds(headerStart, _pos);
                var table = root;
                for (var i = 0; i < key.Count - 1; i++)
                {
                    table = DescendForHeader(table, key, i, headerSpan);
                }

                var last = key[key.Count - 1];
                var fullName = JoinKey(key, key.Count);
                if (isArray)
                {
                    var element = new TomlTable(headerSpan, TableOrigin.Header) { Path = fullName };
                    if (table.ByKey.TryGetValue(last.Name, out var existing))
                    {
                        if (existing.Value is TomlArray { IsArrayOfTables: true } array)
                        {
                            array.Items.Add(element);
                            return element;
                        }

                        Redefinition(last.Span, $"[[{fullName}]] cannot append to '{fullName}', which is already defined as {DescribeValue(existing.Value)}. Rename one of them.");
                        return element;
                    }

                    var newArray = new TomlArray(headerSpan, isArrayOfTables: true);
                    newArray.Items.Add(element);
                    table.Add(new TomlEntry(last.Name, last.Span, newArray));
                    return element;
                }

                if (table.ByKey.TryGetValue(last.Name, out var found))
                {
                    if (found.Value is TomlTable existingTable && existingTable.Origin == TableOrigin.Implicit && !existingTable.Frozen)
                    {
                        existingTable.Origin = TableOrigin.Header;
                        existingTable.Span = headerSpan;
                        existingTable.Path = fullName;
                        return existingTable;
                    }

                    var reason = found.Value switch
                    {
                        TomlTable { Origin: TableOrigin.Header } => $"Table [{fullName}] is defined twice. Merge the two sections into one.",
                        TomlTable { Origin: TableOrigin.Dotted } => $"Table [{fullName}] was already defined with dotted keys; a header cannot define it again. Move its keys under one [{fullName}] section.",
                        TomlTable { Origin: TableOrigin.Inline } => $"Table [{fullName}] was already defined as an inline table, which cannot be extended. Write it as a [{fullName}] section instead.",
                        TomlTable => $"Table [{fullName}] is inside an inline table, which cannot be extended.",
                        TomlArray { IsArrayOfTables: true } => $"[{fullName}] is an array of tables; add an element with [[{fullName}]] instead.",
                        _ => $"[{fullName}] cannot define a table: '{fullName}' is already {DescribeValue(found.Value)}. Rename one of them.",
                    };
                    Redefinition(last.Span, reason);
                    return new TomlTable(headerSpan, TableOrigin.Header);
                }

                var created = new TomlTable(headerSpan, TableOrigin.Header) { Path = fullName };
                table.Add(new TomlEntry(last.Name, last.Span, created));
                return created;
            }

            /// <summary>Steps into (or creates) the table named by <paramref name="key"/>[index] on the way to a header's table.</summary>
            private TomlTable DescendForHeader(TomlTable table, List<KeyPart> key, int index, SourceSpan headerSpan)
            {
                var part = key[index];
                if (!table.ByKey.TryGetValue(part.Name, out var entry))
                {
                    var created = new TomlTable(part.Span, TableOrigin.Implicit);
                    table.Add(new TomlEntry(part.Name, part.Span, created));
                    return created;
                }

                var name = JoinKey(key, index + 1);
                switch (entry.Value)
                {
                    case TomlTable { Origin: TableOrigin.Inline } or TomlTable { Frozen: true }:
                        Redefinition(part.Span, $"'{name}' is an inline table, which cannot be extended by a header. Write it as a [{name}] section instead.");
                        return new TomlTable(headerSpan, TableOrigin.Implicit);
                    case TomlTable existing:
                        return existing;
                    case TomlArray { IsArrayOfTables: true } array:
                        // A header under an array of tables extends its most recent element (TOML 1.0 "Array of Tables").
                        return (TomlTable)array.Items[array.Items.Count - 1];
                    default:
                        Redefinition(part.Span, $"'{name}' is already {DescribeValue(entry.Value)}, so it cannot hold the table in this header. Rename one of them.");
                        return new TomlTable(headerSpan, TableOrigin.Implicit);
                }
            }

            private static string DescribeValue(object value) => value switch
            {
                TomlTable => "a table",
                TomlArray { IsArrayOfTables: true } => "an array of tables",
                TomlArray => "an array",
                DocScalar scalar => scalar.KindName,
                _ => "a value",
            };

            // ---------- key/value pairs ----------

            private void ParseKeyValue(TomlTable table)
            {
                var key = ParseKey();
                SkipWhitespace();
                if (Peek() != '=')
                {
                    throw SyntaxErrorHere($"Expected '=' after the key '{JoinKey(key, key.Count)}' but found {Describe(_pos)}. Write key = value.");
                }

                _pos++;
                SkipWhitespace();
                var value = ParseValue();
                AddKeyValue(table, key, value);
            }

            private void AddKeyValue(TomlTable table, List<KeyPart> key, object value)
            {
                // Messages name keys from the document root: [a] then b.c = 1 is about 'a.b.c'.
                var prefix = table.Path.Length > 0 ? table.Path + "." : string.Empty;
                var target = table;
                for (var i = 0; i < key.Count - 1; i++)
                {
                    var part = key[i];
                    if (!target.ByKey.TryGetValue(part.Name, out var entry))
                    {
                        var created = new TomlTable(part.Span, TableOrigin.Dotted) { Frozen = target.Frozen };
                        target.Add(new TomlEntry(part.Name, part.Span, created));
                        target = created;
                        continue;
                    }

                    var name = prefix + JoinKey(key, i + 1);
                    if (entry.Value is TomlTable existing && (existing.Origin == TableOrigin.Dotted || existing.Origin == TableOrigin.Implicit) && !existing.Frozen)
                    {
                        target = existing;
                        continue;
                    }

                    var reason = entry.Value switch
                    {
                        TomlTable { Origin: TableOrigin.Inline } => $"'{name}' is an inline table, which cannot be extended with dotted keys. Add the key inside its braces.",
                        TomlTable => $"Table '{name}' is defined by its own [{name}] header; dotted keys cannot add to it from here. Put the key under [{name}].",
                        _ => $"'{name}' is already {DescribeValue(entry.Value)}, so '{prefix + JoinKey(key, key.Count)}' cannot be a key inside it. Rename one of them.",
                    };
                    Redefinition(part.Span, reason);
                    return;
                }

                var last = key[key.Count - 1];
                if (target.ByKey.TryGetValue(last.Name, out var duplicate))
                {
                    Redefinition(last.Span, duplicate.Value is TomlTable
                        ? $"Key '{prefix + JoinKey(key, key.Count)}' is already defined as a table. Rename the key or remove the duplicate."
                        : $"Key '{prefix + JoinKey(key, key.Count)}' is defined twice. Remove one of the definitions.");
                    return;
                }

                target.Add(new TomlEntry(last.Name, last.Span, value));
            }

            // ---------- values ----------

            private object ParseValue()
            {
                var start = _pos;
                var c = Peek();
                switch (c)
                {
                    case '"':
                    {
                        var multiLine = Peek(1) == '"' && Peek(2) == '"';
                        var (value, map) = ParseBasicString(multiLine);
                        return new DocScalar(DocNodeKind.String, SourceSpan.FromBounds(start, _pos), value, map);
                    }

                    case '\'':
                    {
                        var multiLine = Peek(1) == '\'' && Peek(2) == '\'';
                        var (value, map) = ParseLiteralString(multiLine);
                        return new DocScalar(DocNodeKind.String, SourceSpan.FromBounds(start, _pos), value, map);
                    }

                    case '[':
                        return ParseArray();
                    case '{':
                        return ParseInlineTable();
                }

                if (AtEnd || c == '\n' || c == '\r' || c == '#')
                {
                    throw SyntaxErrorHere($"Expected a value after '=' but found {Describe(_pos)}.");
                }

                return ParseBareValue();
            }

            private TomlArray ParseArray()
            {
                var start = _pos;
                _pos++;
                var items = new List<object>();
                while (true)
                {
                    SkipWhitespaceNewlinesAndComments();
                    if (Peek() == ']')
                    {
                        _pos++;
                        break;
                    }

                    if (AtEnd)
                    {
                        throw SyntaxError(start, 1, "This array is not closed. Add ']' after its last element.");
                    }

                    items.Add(ParseValue());
                    SkipWhitespaceNewlinesAndComments();
                    if (Peek() == ',')
                    {
                        _pos++;
                        continue;
                    }

                    if (Peek() == ']')
                    {
                        _pos++;
                        break;
                    }

                    if (AtEnd)
                    {
                        throw SyntaxError(start, 1, "This array is not closed. Add ']' after its last element.");
                    }

                    throw SyntaxErrorHere($"Expected ',' or ']' after an array element but found {Describe(_pos)}.");
                }

                var array = new TomlArray(SourceSpan.FromBounds(start, _pos), isArrayOfTables: false);
                array.Items.AddRange(items);
                return array;
            }

            private TomlTable ParseInlineTable()
            {
                var start = _pos;
                _pos++;
                var table = new TomlTable(new SourceSpan(start, 1), TableOrigin.Inline);
                SkipWhitespace();
                if (Peek() == '}')
                {
                    _pos++;
                    table.Span = SourceSpan.FromBounds(start, _pos);
                    return table;
                }

                while (true)
                {
                    if (Peek() == '\n' || Peek() == '\r' || AtEnd)
                    {
                        throw SyntaxErrorHere("An inline table must be on one line (TOML 1.0). Close it with '}' on this line or use a [table] section.");
                    }

                    if (Peek() == '}' || Peek() == ',')
                    {
                        throw SyntaxErrorHere(Peek() == '}'
                            ? "An inline table cannot end with a trailing comma. Remove the comma before '}'."
                            : "Expected a key in the inline table but found ','.");
                    }

                    var key = ParseKey();
                    SkipWhitespace();
                    if (Peek() != '=')
                    {
                        throw SyntaxErrorHere($"Expected '=' after the key '{JoinKey(key, key.Count)}' but found {Describe(_pos)}. Write key = value.");
                    }

                    _pos++;
                    SkipWhitespace();
                    var value = ParseValue();
                    AddKeyValue(table, key, value);
                    SkipWhitespace();
                    if (Peek() == ',')
                    {
                        _pos++;
                        SkipWhitespace();
                        continue;
                    }

                    if (Peek() == '}')
                    {
                        _pos++;
                        break;
                    }

                    if (AtEnd || Peek() == '\n' || Peek() == '\r')
                    {
                        throw SyntaxErrorHere("An inline table must be on one line (TOML 1.0). Close it with '}' on this line or use a [table] section.");
                    }

                    throw SyntaxErrorHere($"Expected ',' or '}}' in the inline table but found {Describe(_pos)}.");
                }

                table.Span = SourceSpan.FromBounds(start, _pos);
                Freeze(table);
                return table;
            }

            private static void Freeze(TomlTable table)
            {
                table.Frozen = true;
                foreach (var entry in table.Entries)
                {
                    if (entry.Value is TomlTable child)
                    {
                        Freeze(child);
                    }
                    else if (entry.Value is TomlArray array)
                    {
                        foreach (var item in array.Items)
                        {
                            if (item is TomlTable itemTable)
                            {
                                Freeze(itemTable);
                            }
                        }
                    }
                }
            }

            // ---------- strings ----------

            /// <summary>Parses "..." or """...""" at the position; returns the value and its source map.</summary>
            private (string Value, StringSourceMap Map) ParseBasicString(bool multiLine)
            {
                var open = _pos;
                _pos += multiLine ? 3 : 1;
                if (multiLine)
                {
                    // A newline right after the opening delimiter is trimmed.
                    TryNewline();
                }

                var contentStart = _pos;
                var builder = new StringBuilder();
                var offsets = new List<int>();
                var verbatim = true;
                while (true)
                {
                    if (AtEnd)
                    {
                        throw SyntaxError(open, multiLine ? 3 : 1, multiLine
                            ? "This multi-line string is not closed. Add \"\"\" at its end."
                            : "This string is not closed. Add '\"' at its end.");
                    }

                    var c = _text[_pos];
                    if (c == '"')
                    {
                        if (!multiLine)
                        {
                            _pos++;
                            break;
                        }

                        var run = CountRun('"');
                        if (run >= 3)
                        {
                            if (run > 5)
                            {
                                throw SyntaxError(_pos + 5, 1, "Too many quotes: a multi-line string ends with \"\"\" and may hold at most two more quotes just before it. Escape the extra quotes as \\\".");
                            }

                            for (var i = 0; i < run - 3; i++)
                            {
                                builder.Append('"');
                                offsets.Add(_pos + i);
                            }

                            _pos += run;
                            break;
                        }

                        for (var i = 0; i < run; i++)
                        {
                            builder.Append('"');
                            offsets.Add(_pos++);
                        }

                        continue;
                    }

                    if (c == '\\')
                    {
                        var escapeStart = _pos;
                        if (multiLine && IsLineEndingBackslash())
                        {
                            // Line-ending backslash: trim it and all whitespace and newlines up to the next other character.
                            _pos++;
                            while (true)
                            {
                                if (Peek() == ' ' || Peek() == '\t')
                                {
                                    _pos++;
                                }
                                else if (!TryNewline())
                                {
                                    break;
                                }
                            }

                            verbatim = false;
                            continue;
                        }

                        var decoded = ParseEscape();
                        foreach (var ch in decoded)
                        {
                            builder.Append(ch);
                            offsets.Add(escapeStart);
                        }

                        verbatim = false;
                        continue;
                    }

                    if (c == '\n' || (c == '\r' && Peek(1) == '\n'))
                    {
                        if (!multiLine)
                        {
                            throw SyntaxError(open, 1, "This string is not closed on its line. Add '\"' at its end, or use \"\"\" for a multi-line string.");
                        }

                        var length = c == '\r' ? 2 : 1;
                        for (var i = 0; i < length; i++)
                        {
                            builder.Append(_text[_pos]);
                            offsets.Add(_pos++);
                        }

                        continue;
                    }

                    if (IsForbiddenControl(c))
                    {
                        throw SyntaxErrorHere($"A string cannot contain {Describe(_pos)}. Write it as an escape such as \\u{(int)c:X4}.");
                    }

                    builder.Append(c);
                    offsets.Add(_pos++);
                }

                return (builder.ToString(), MakeMap(verbatim, contentStart, offsets, _pos - (multiLine ? 3 : 1)));
            }

            /// <summary>At a backslash: true when only whitespace follows it up to the end of the line.</summary>
            private bool IsLineEndingBackslash()
            {
                var i = _pos + 1;
                while (i < _text.Length && (_text[i] == ' ' || _text[i] == '\t'))
                {
                    i++;
                }

                return i < _text.Length && (_text[i] == '\n' || (_text[i] == '\r' && i + 1 < _text.Length && _text[i + 1] == '\n'));
            }

            private int CountRun(char quote)
            {
                var i = _pos;
                while (i < _text.Length && _text[i] == quote)
                {
                    i++;
                }

                return i - _pos;
            }

            private string ParseEscape()
            {
                var start = _pos;
                var e = Peek(1);
                _pos += 2;
                switch (e)
                {
                    case 'b': return "\b";
                    case 't': return "\t";
                    case 'n': return "\n";
                    case 'f': return "\f";
                    case 'r': return "\r";
                    case '"': return "\"";
                    case '\\': return "\\";
                    case 'u': return ParseUnicodeEscape(start, 4);
                    case 'U': return ParseUnicodeEscape(start, 8);
                    default:
                        _pos = start;
                        throw SyntaxError(start, Math.Min(2, _text.Length - start), $"'\\{(e == '\0' ? string.Empty : e.ToString())}' is not a TOML escape. Use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX, write a backslash as \\\\, or use a 'literal string'.");
                }
            }

            private string ParseUnicodeEscape(int start, int digits)
            {
                var code = 0L;
                for (var i = 0; i < digits; i++)
                {
                    var d = HexValue(Peek());
                    if (d < 0)
                    {
                        throw SyntaxError(start, Math.Min(_pos - start + 1, _text.Length - start), $"A \\{(digits == 4 ? 'u' : 'U')} escape needs exactly {digits} hexadecimal digits.");
                    }

                    code = (code * 16) + d;
                    _pos++;
                }

                if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                {
                    throw SyntaxError(start, _pos - start, $"U+{code:X} is not a Unicode scalar value; escapes must name a code point in 0-D7FF or E000-10FFFF.");
                }

                return char.ConvertFromUtf32((int)code);
            }

            private static int HexValue(char c)
            {
                if (c >= '0' && c <= '9')
                {
                    return c - '0';
                }

                if (c >= 'a' && c <= 'f')
                {
                    return c - 'a' + 10;
                }

                if (c >= 'A' && c <= 'F')
                {
                    return c - 'A' + 10;
                }

                return -1;
            }

            /// <summary>Parses '...' or '''...''' at the position: no escapes, so the value is a verbatim copy of the file.</summary>
            private (string Value, StringSourceMap Map) ParseLiteralString(bool multiLine)
            {
                var open = _pos;
                _pos += multiLine ? 3 : 1;
                if (multiLine)
                {
                    TryNewline();
                }

                var contentStart = _pos;
                while (true)
                {
                    if (AtEnd)
                    {
                        throw SyntaxError(open, multiLine ? 3 : 1, multiLine
                            ? "This multi-line literal string is not closed. Add ''' at its end."
                            : "This literal string is not closed. Add a closing quote (') at its end.");
                    }

                    var c = _text[_pos];
                    if (c == '\'')
                    {
                        if (!multiLine)
                        {
                            var value = _text.Substring(contentStart, _pos - contentStart);
                            _pos++;
                            return (value, new StringSourceMap(contentStart));
                        }

                        var run = CountRun('\'');
                        if (run >= 3)
                        {
                            if (run > 5)
                            {
                                throw SyntaxError(_pos + 5, 1, "Too many quotes: a multi-line literal string ends with ''' and may hold at most two more quotes just before it.");
                            }

                            var end = _pos + run - 3;
                            var value = _text.Substring(contentStart, end - contentStart);
                            _pos += run;
                            return (value, new StringSourceMap(contentStart));
                        }

                        _pos += run;
                        continue;
                    }

                    if (c == '\n' || (c == '\r' && Peek(1) == '\n'))
                    {
                        if (!multiLine)
                        {
                            throw SyntaxError(open, 1, "This literal string is not closed on its line. Add a closing quote ('), or use ''' for a multi-line string.");
                        }

                        TryNewline();
                        continue;
                    }

                    if (IsForbiddenControl(c))
                    {
                        throw SyntaxErrorHere($"A literal string cannot contain {Describe(_pos)}. Use a \"basic string\" with an escape such as \\u{(int)c:X4}.");
                    }

                    _pos++;
                }
            }

            private static StringSourceMap MakeMap(bool verbatim, int contentStart, List<int> offsets, int endOffset)
            {
                if (verbatim)
                {
                    return new StringSourceMap(contentStart);
                }

                offsets.Add(endOffset);
                return new StringSourceMap(offsets.ToArray());
            }

            // ---------- numbers, booleans, date-times ----------

            private static bool IsBareValueChar(char c) =>
                (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' || c == '.' || c == ':';

            private DocScalar ParseBareValue()
            {
                var start = _pos;
                while (!AtEnd && IsBareValueChar(_text[_pos]))
                {
                    _pos++;
                }

                // A date and a time may be separated by one space: 1979-05-27 07:32:00.
                if (_pos - start == 10 && IsDate(_text, start) && Peek() == ' ' && IsDigit(Peek(1)) && IsDigit(Peek(2)) && Peek(3) == ':')
                {
                    _pos++;
                    while (!AtEnd && IsBareValueChar(_text[_pos]))
                    {
                        _pos++;
                    }
                }

                if (_pos == start)
                {
                    throw SyntaxErrorHere($"Expected a value but found {Describe(_pos)}. Values are strings (quoted), numbers, true, false, date-times, arrays [...] or inline tables {{...}}.");
                }

                var token = _text.Substring(start, _pos - start);
                var span = SourceSpan.FromBounds(start, _pos);
                if (token == "true" || token == "false")
                {
                    return new DocScalar(DocNodeKind.Boolean, span, token == "true");
                }

                if (token == "inf" || token == "+inf" || token == "-inf")
                {
                    return new DocScalar(DocNodeKind.Float, span, token[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity);
                }

                if (token == "nan" || token == "+nan" || token == "-nan")
                {
                    return new DocScalar(DocNodeKind.Float, span, double.NaN);
                }

                if (token.Length >= 5 && IsDigit(token[0]) && (IsDate(token, 0) || IsTimeStart(token, 0)))
                {
                    var error = ValidateDateTime(token);
                    if (error != null)
                    {
                        throw SyntaxError(start, token.Length, $"'{token}' is not a valid TOML date-time: {error}.");
                    }

                    return new DocScalar(DocNodeKind.DateTime, span, token);
                }

                if (TryParseInteger(token, out var integer, out var integerError))
                {
                    return new DocScalar(DocNodeKind.Integer, span, integer);
                }

                if (integerError != null)
                {
                    throw SyntaxError(start, token.Length, integerError);
                }

                if (TryParseFloat(token, out var number))
                {
                    return new DocScalar(DocNodeKind.Float, span, number);
                }

                throw SyntaxError(start, token.Length, $"'{token}' is not a valid TOML value. Quote strings (\"{token}\"); numbers may not have leading zeros or stray underscores; booleans are lower-case true and false; TOML has no null.");
            }

            private static bool IsDigit(char c) => c >= '0' && c <= '9';

            private static bool IsDate(string s, int at) =>
                at + 10 <= s.Length && IsDigit(s[at]) && IsDigit(s[at + 1]) && IsDigit(s[at + 2]) && IsDigit(s[at + 3]) && s[at + 4] == '-'
                && IsDigit(s[at + 5]) && IsDigit(s[at + 6]) && s[at + 7] == '-' && IsDigit(s[at + 8]) && IsDigit(s[at + 9]);

            private static bool IsTimeStart(string s, int at) =>
                at + 5 <= s.Length && IsDigit(s[at]) && IsDigit(s[at + 1]) && s[at + 2] == ':' && IsDigit(s[at + 3]) && IsDigit(s[at + 4]);

            /// <summary>Null when the token is an RFC 3339 date-time, local date-time, local date or local time as TOML 1.0 allows; else why not.</summary>
            private static string? ValidateDateTime(string token)
            {
                var i = 0;
                if (IsDate(token, 0))
                {
                    var year = int.Parse(token.Substring(0, 4), CultureInfo.InvariantCulture);
                    var month = int.Parse(token.Substring(5, 2), CultureInfo.InvariantCulture);
                    var day = int.Parse(token.Substring(8, 2), CultureInfo.InvariantCulture);
                    if (month < 1 || month > 12)
                    {
                        return "the month must be 01-12";
                    }

                    var daysInMonth = DateTime.DaysInMonth(Math.Max(1, year), month);
                    if (day < 1 || day > daysInMonth)
                    {
                        return $"the day must be 01-{daysInMonth} in that month";
                    }

                    i = 10;
                    if (i == token.Length)
                    {
                        return null;
                    }

                    if (token[i] != 'T' && token[i] != 't' && token[i] != ' ')
                    {
                        return "a date may be followed only by 'T' (or a space) and a time";
                    }

                    i++;
                }

                if (!IsTimeStart(token, i) || i + 8 > token.Length || token[i + 5] != ':' || !IsDigit(token[i + 6]) || !IsDigit(token[i + 7]))
                {
                    return "a time is written HH:MM:SS with two digits each";
                }

                var hour = int.Parse(token.Substring(i, 2), CultureInfo.InvariantCulture);
                var minute = int.Parse(token.Substring(i + 3, 2), CultureInfo.InvariantCulture);
                var second = int.Parse(token.Substring(i + 6, 2), CultureInfo.InvariantCulture);
                if (hour > 23 || minute > 59 || second > 60)
                {
                    return "hours are 00-23, minutes 00-59 and seconds 00-60";
                }

                var isLocalTime = i == 0;
                i += 8;
                if (i < token.Length && token[i] == '.')
                {
                    i++;
                    var digitsStart = i;
                    while (i < token.Length && IsDigit(token[i]))
                    {
                        i++;
                    }

                    if (i == digitsStart)
                    {
                        return "the fraction of a second needs at least one digit after '.'";
                    }
                }

                if (i == token.Length)
                {
                    return null;
                }

                if (isLocalTime)
                {
                    return "a local time cannot have a time-zone offset";
                }

                if ((token[i] == 'Z' || token[i] == 'z') && i + 1 == token.Length)
                {
                    return null;
                }

                if ((token[i] == '+' || token[i] == '-') && i + 6 == token.Length && IsDigit(token[i + 1]) && IsDigit(token[i + 2])
                    && token[i + 3] == ':' && IsDigit(token[i + 4]) && IsDigit(token[i + 5]))
                {
                    var offsetHour = int.Parse(token.Substring(i + 1, 2), CultureInfo.InvariantCulture);
                    var offsetMinute = int.Parse(token.Substring(i + 4, 2), CultureInfo.InvariantCulture);
                    return offsetHour > 23 || offsetMinute > 59 ? "the offset hours are 00-23 and minutes 00-59" : null;
                }

                return "the time-zone offset is 'Z' or +HH:MM / -HH:MM";
            }

            /// <summary>Digits with single underscores between digits only (TOML 1.0 "Integer").</summary>
            private static bool IsDigitRun(string s, int start, int end, Func<char, bool> isDigit)
            {
                if (start >= end || !isDigit(s[start]) || !isDigit(s[end - 1]))
                {
                    return false;
                }

                for (var i = start; i < end; i++)
                {
                    if (s[i] == '_')
                    {
                        if (!isDigit(s[i + 1]))
                        {
                            return false;
                        }
                    }
                    else if (!isDigit(s[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            private static string RemoveUnderscores(string s, int start, int end)
            {
                var builder = new StringBuilder(end - start);
                for (var i = start; i < end; i++)
                {
                    if (s[i] != '_')
                    {
                        builder.Append(s[i]);
                    }
                }

                return builder.ToString();
            }

            /// <summary>
            /// True with the value for a TOML integer. False with <paramref name="error"/> set when the token is an integer
            /// that does not fit in 64 bits; false with null when it is not an integer at all (maybe a float).
            /// </summary>
            private static bool TryParseInteger(string token, out long value, out string? error)
            {
                value = 0;
                error = null;
                if (token.Length > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'o' || token[1] == 'b'))
                {
                    var radix = token[1] == 'x' ? 16 : token[1] == 'o' ? 8 : 2;
                    Func<char, bool> isDigit = radix switch
                    {
                        16 => c => HexValue(c) >= 0,
                        8 => c => c >= '0' && c <= '7',
                        _ => c => c == '0' || c == '1',
                    };
                    if (!IsDigitRun(token, 2, token.Length, isDigit))
                    {
                        error = $"'{token}' is not a valid base-{radix} integer: use the digits of that base with single underscores between digits.";
                        return false;
                    }

                    var digits = RemoveUnderscores(token, 2, token.Length);
                    ulong accumulator = 0;
                    foreach (var c in digits)
                    {
                        var d = (ulong)HexValue(c);
                        if (accumulator > (ulong.MaxValue - d) / (ulong)radix)
                        {
                            error = $"'{token}' does not fit in a 64-bit signed integer.";
                            return false;
                        }

                        accumulator = (accumulator * (ulong)radix) + d;
                    }

                    if (accumulator > long.MaxValue)
                    {
                        error = $"'{token}' does not fit in a 64-bit signed integer.";
                        return false;
                    }

                    value = (long)accumulator;
                    return true;
                }

                var start = token[0] == '+' || token[0] == '-' ? 1 : 0;
                if (!IsDigitRun(token, start, token.Length, IsDigit))
                {
                    return false;
                }

                if (token[start] == '0' && token.Length - start > 1)
                {
                    error = $"'{token}' has a leading zero, which TOML integers do not allow. Remove it (or write 0o... for octal).";
                    return false;
                }

                var text = RemoveUnderscores(token, 0, token.Length);
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                {
                    error = $"'{token}' does not fit in a 64-bit signed integer.";
                    return false;
                }

                return true;
            }

            /// <summary>A TOML float: integer part, then a fraction, an exponent or both (TOML 1.0 "Float").</summary>
            private static bool TryParseFloat(string token, out double value)
            {
                value = 0;
                var i = token[0] == '+' || token[0] == '-' ? 1 : 0;
                var intStart = i;
                while (i < token.Length && (IsDigit(token[i]) || token[i] == '_'))
                {
                    i++;
                }

                if (!IsDigitRun(token, intStart, i, IsDigit) || (token[intStart] == '0' && i - intStart > 1))
                {
                    return false;
                }

                var hasFraction = false;
                if (i < token.Length && token[i] == '.')
                {
                    var fractionStart = ++i;
                    while (i < token.Length && (IsDigit(token[i]) || token[i] == '_'))
                    {
                        i++;
                    }

                    if (!IsDigitRun(token, fractionStart, i, IsDigit))
                    {
                        return false;
                    }

                    hasFraction = true;
                }

                var hasExponent = false;
                if (i < token.Length && (token[i] == 'e' || token[i] == 'E'))
                {
                    i++;
                    if (i < token.Length && (token[i] == '+' || token[i] == '-'))
                    {
                        i++;
                    }

                    var exponentStart = i;
                    while (i < token.Length && (IsDigit(token[i]) || token[i] == '_'))
                    {
                        i++;
                    }

                    if (!IsDigitRun(token, exponentStart, i, IsDigit))
                    {
                        return false;
                    }

                    hasExponent = true;
                }

                if (i != token.Length || (!hasFraction && !hasExponent))
                {
                    return false;
                }

                return double.TryParse(RemoveUnderscores(token, 0, token.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            }

            // ---------- conversion to the DocNode tree ----------

            private static DocNode ToDocNode(object value)
            {
                switch (value)
                {
                    case TomlTable table:
                    {
                        var doc = new DocTable(table.Span);
                        foreach (var entry in table.Entries)
                        {
                            doc.TryAdd(new DocEntry(entry.Key, entry.KeySpan, ToDocNode(entry.Value)));
                        }

                        return doc;
                    }

                    case TomlArray array:
                    {
                        var doc = new DocArray(array.Span);
                        foreach (var item in array.Items)
                        {
                            doc.Add(ToDocNode(item));
                        }

                        return doc;
                    }

                    default:
                        return (DocNode)value;
                }
            }
        }
    }
}
