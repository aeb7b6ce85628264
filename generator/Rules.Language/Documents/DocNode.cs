using System.Collections.Generic;
using Rules.Language.Text;

namespace Rules.Language.Documents
{
    public enum DocNodeKind
    {
        Table,
        Array,
        String,
        Integer,
        Float,
        Boolean,
        DateTime,
        Null,
    }

    /// <summary>
    /// A format-neutral tree of a rule file (what TOML and YAML have in common), with source spans, so that one
    /// reader maps it onto the rule schema and locates every schema error in the file.
    /// </summary>
    public abstract class DocNode
    {
        protected DocNode(DocNodeKind kind, SourceSpan span)
        {
            Kind = kind;
            Span = span;
        }

        public DocNodeKind Kind { get; }

        /// <summary>The span of the value in the file.</summary>
        public SourceSpan Span { get; }

        public string KindName => Kind switch
        {
            DocNodeKind.Table => "a table",
            DocNodeKind.Array => "an array",
            DocNodeKind.String => "a string",
            DocNodeKind.Integer => "an integer",
            DocNodeKind.Float => "a float",
            DocNodeKind.Boolean => "a boolean",
            DocNodeKind.DateTime => "a date-time",
            _ => "null",
        };
    }

    public sealed class DocEntry
    {
        public DocEntry(string key, SourceSpan keySpan, DocNode value)
        {
            Key = key;
            KeySpan = keySpan;
            Value = value;
        }

        public string Key { get; }

        public SourceSpan KeySpan { get; }

        public DocNode Value { get; }
    }

    public sealed class DocTable : DocNode
    {
        private readonly List<DocEntry> _entries = new List<DocEntry>();
        private readonly Dictionary<string, DocEntry> _byKey = new Dictionary<string, DocEntry>();

        public DocTable(SourceSpan span)
            : base(DocNodeKind.Table, span)
        {
        }

        /// <summary>Entries in file order.</summary>
        public IReadOnlyList<DocEntry> Entries => _entries;

        /// <summary>Adds an entry; false when the key is already there (the caller reports the duplicate).</summary>
        public bool TryAdd(DocEntry entry)
        {
            if (_byKey.ContainsKey(entry.Key))
            {
                return false;
            }

            _byKey.Add(entry.Key, entry);
            _entries.Add(entry);
            return true;
        }

        public bool TryGetEntry(string key, out DocEntry entry) => _byKey.TryGetValue(key, out entry!);

        public DocNode? this[string key] => _byKey.TryGetValue(key, out var entry) ? entry.Value : null;
    }

    public sealed class DocArray : DocNode
    {
        private readonly List<DocNode> _items = new List<DocNode>();

        public DocArray(SourceSpan span)
            : base(DocNodeKind.Array, span)
        {
        }

        public IReadOnlyList<DocNode> Items => _items;

        public void Add(DocNode item) => _items.Add(item);
    }

    /// <summary>A scalar: its value (string, long, double, bool, or the date-time text) and, for strings, where each
    /// character came from in the file.</summary>
    public sealed class DocScalar : DocNode
    {
        public DocScalar(DocNodeKind kind, SourceSpan span, object? value, StringSourceMap? sourceMap = null)
            : base(kind, span)
        {
            Value = value;
            SourceMap = sourceMap;
        }

        public object? Value { get; }

        /// <summary>For strings: maps an index in <see cref="Value"/> to a file offset.</summary>
        public StringSourceMap? SourceMap { get; }

        public string? AsString => Value as string;
    }

    /// <summary>The result of reading a rule file in some format: the tree, or the errors that stopped it.</summary>
    public sealed class DocParseResult
    {
        public DocParseResult(DocTable? root, IReadOnlyList<Diagnostics.RuleDiagnostic> diagnostics)
        {
            Root = root;
            Diagnostics = diagnostics;
        }

        public DocTable? Root { get; }

        public IReadOnlyList<Diagnostics.RuleDiagnostic> Diagnostics { get; }
    }
}
