using System.Collections.Generic;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Binding
{
    /// <summary>Resolves field names against the catalog; shared by every front end so they agree on what a field is.</summary>
    public sealed class FieldBinder
    {
        private readonly FieldCatalog _catalog;
        private readonly QuerySource _source;
        private readonly List<RuleDiagnostic> _diagnostics;

        public FieldBinder(FieldCatalog catalog, QuerySource source, List<RuleDiagnostic> diagnostics)
        {
            _catalog = catalog;
            _source = source;
            _diagnostics = diagnostics;
        }

        public FieldCatalog Catalog => _catalog;

        /// <summary>
        /// The field, or null after reporting DR6001 (unknown field). An optional field (EQL <c>?field</c>) that no
        /// schema knows is not an error: EQL lowers it to the null constant before binding (Elasticsearch sees only
        /// mapped fields, docs/eql.md); a caller that binds it anyway gets a keyword field read from the overflow.
        /// </summary>
        public BoundField? Bind(string path, bool optional, int start, int length)
        {
            if (_catalog.TryGetField(path, out var field))
            {
                return BoundField.From(field, optional);
            }

            if (optional)
            {
                return new BoundField(path, FieldType.Keyword, IsArray: false, IsEcs: false, IsOptional: true);
            }

            _diagnostics.Add(_source.Error(
                DiagnosticIds.UnknownField,
                start,
                length,
                $"Unknown field '{path}': no schema defines it. Check the spelling, mark it optional with '?{path}' (EQL), or declare it in a <DetectionSchema> file."));
            return null;
        }
    }
}
