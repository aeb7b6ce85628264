using System.Collections.Generic;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Kql
{
    /// <summary>
    /// Lowers KQL into the IR with Elasticsearch's per-field-type meaning, as Kibana's kuery functions build the
    /// query (kbn-es-query/src/kuery/functions: is, range, exists, nested, and, or, not). docs/semantics.md
    /// ("KQL and query DSL") lists each case with its source. Never throws; errors are located diagnostics.
    /// </summary>
    public sealed class KqlCompiler
    {
        private readonly QuerySource _source;
        private readonly FieldCatalog _catalog;
        private readonly FieldBinder _binder;
        private readonly List<RuleDiagnostic> _diagnostics;

        private KqlCompiler(QuerySource source, FieldCatalog catalog, List<RuleDiagnostic> diagnostics)
        {
            _source = source;
            _catalog = catalog;
            _diagnostics = diagnostics;
            _binder = new FieldBinder(catalog, source, diagnostics);
        }

        /// <summary>The query's condition, or null when any error was reported.</summary>
        public static (BoolExpr? Condition, IReadOnlyList<RuleDiagnostic> Diagnostics) Compile(QuerySource source, FieldCatalog catalog)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var condition = Compile(source, catalog, diagnostics);
            return (condition, diagnostics);
        }

        public static BoolExpr? Compile(QuerySource source, FieldCatalog catalog, List<RuleDiagnostic> diagnostics)
        {
            var errorsBefore = CountErrors(diagnostics);
            var query = KqlParser.Parse(source, diagnostics);
            if (query is null)
            {
                return null;
            }

            // An empty query is Kibana's match_all.
            if (query.Root is null)
            {
                return new ConstantExpr(true);
            }

            var compiler = new KqlCompiler(source, catalog, diagnostics);
            BoolExpr? condition;
            try
            {
                condition = compiler.Lower(query.Root);
            }
            catch (System.InsufficientExecutionStackException)
            {
                diagnostics.Add(source.Error(DiagnosticIds.KqlSyntax, 0, source.Query.Length, "The KQL query nests too deeply to compile; remove some levels of parentheses."));
                return null;
            }

            return CountErrors(diagnostics) > errorsBefore ? null : condition;
        }

        private static int CountErrors(List<RuleDiagnostic> diagnostics)
        {
            var count = 0;
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.IsError)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>Inside <c>path:{ ... }</c>: the nested path and a dot, prefixed to the inner field names.</summary>
        private string _nestedPrefix = string.Empty;

        private BoolExpr? Lower(KqlNode node)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (node)
            {
                case KqlOr or:
                    return LowerAll(or.Operands, operands => new OrExpr(operands));
                case KqlAnd and:
                    return LowerAll(and.Operands, operands => new AndExpr(operands));
                case KqlNot not:
                    var operand = Lower(not.Operand);
                    return operand is null ? null : new NotExpr(operand);
                case KqlIs isNode:
                    return LowerIs(isNode);
                case KqlRange range:
                    return LowerRange(range);
                case KqlNested nested:
                    return LowerNested(nested);
                default:
                    Error(DiagnosticIds.KqlSyntax, node, "Unexpected KQL node.");
                    return null;
            }
        }

        private BoolExpr? LowerAll(EquatableArray<KqlNode> nodes, System.Func<EquatableArray<BoolExpr>, BoolExpr> build)
        {
            var operands = new List<BoolExpr>(nodes.Count);
            var failed = false;
            foreach (var child in nodes)
            {
                var lowered = Lower(child);
                if (lowered is null)
                {
                    failed = true;
                }
                else
                {
                    operands.Add(lowered);
                }
            }

            return failed ? null : build(operands.ToArray());
        }

        private BoolExpr? LowerIs(KqlIs node)
        {
            var value = node.Value;
            if (node.Field is null)
            {
                Error(DiagnosticIds.UnsupportedFeature, value, $"A value with no field ('{value.Text}') searches every field of the index, which a compiled rule cannot know; name the field, as in 'process.name:{(value.IsQuoted ? "\"" + value.Text + "\"" : value.Text)}'.");
                return null;
            }

            // *:* is match_all (kuery/functions/is.ts).
            if (value.IsLoneWildcard && node.Field.IsLoneWildcard)
            {
                return new ConstantExpr(true);
            }

            if (node.Field.IsLoneWildcard)
            {
                // *:v searches every field (query_string over all fields, leniently); the index's field list is
                // unknowable at build time, as for a value with no field.
                Error(DiagnosticIds.UnsupportedFeature, node.Field, $"'*:{value.Text}' searches every field of the index, which a compiled rule cannot know; name the field.");
                return null;
            }

            if (node.Field.Kind == KqlLiteralKind.Wildcard && value.Kind != KqlLiteralKind.Wildcard)
            {
                return NeverMatchesOnFieldPattern(node.Field, value.IsQuoted ? "match_phrase" : "match");
            }

            var fields = VisibleFields(BindFields(node.Field), node.Field);
            if (fields is null)
            {
                return null;
            }

            if (fields.Count == 0)
            {
                return new ConstantExpr(false);
            }

            var operands = new List<BoolExpr>(fields.Count);
            foreach (var field in fields)
            {
                var lowered = LowerIsOnField(field, value);
                if (lowered is null)
                {
                    return null;
                }

                operands.Add(lowered);
            }

            return operands.Count == 1 ? operands[0] : new OrExpr(operands.ToArray());
        }

        private BoolExpr? LowerIsOnField(BoundField field, KqlLiteral value)
        {
            if (value.IsLoneWildcard)
            {
                return new ExistsExpr(field);
            }

            void Report(DiagnosticDescriptor descriptor, string message) => Error(descriptor, value, message);

            switch (value.Kind)
            {
                case KqlLiteralKind.Wildcard:
                    return FieldSemantics.KqlWildcard(field, GlobPattern.FromKqlSegments(value.Segments), Report);
                case KqlLiteralKind.Null:
                    Report(DiagnosticIds.InvalidValueForFieldType, $"'null' is not a value Elasticsearch can match on field '{field.Path}'; to find events without the field write 'not {field.Path}:*', or quote \"null\" to match the text null.");
                    return null;
                default:
                    // Unquoted non-wildcard values are match queries and quoted ones match_phrase (is.ts); on a
                    // keyword field Kibana sends a term query, the same thing for a single keyword term.
                    return FieldSemantics.Match(field, value.Text, value.IsQuoted, Report);
            }
        }

        /// <summary>
        /// A field-name pattern with an exact value or a range: the detection engine passes no field list to
        /// Kibana, so the pattern is not expanded and Elasticsearch runs match / match_phrase / range on a field
        /// literally named <c>a.*.b</c>, which no document has. Only exists (<c>f:*</c>) and query_string
        /// (wildcard values) expand field patterns.
        /// </summary>
        private BoolExpr NeverMatchesOnFieldPattern(KqlLiteral fieldName, string queryType)
        {
            var warning = _source.Error(
                DiagnosticIds.KqlNeverMatches,
                fieldName.Start,
                fieldName.Length,
                $"'{fieldName.Text}' never matches here: the detection engine sends a {queryType} query on a field literally named '{fieldName.Text}' (Elasticsearch expands field patterns only for exists and wildcard values). Name the field exactly, or use a wildcard value.");

            // f.*:(a or b) would warn once per value at the same place.
            if (!_diagnostics.Contains(warning))
            {
                _diagnostics.Add(warning);
            }

            return new ConstantExpr(false);
        }

        private BoolExpr? LowerRange(KqlRange node)
        {
            if (node.Field.Kind == KqlLiteralKind.Wildcard)
            {
                return NeverMatchesOnFieldPattern(node.Field, "range");
            }

            var fields = VisibleFields(BindFields(node.Field), node.Field);
            if (fields is null)
            {
                return null;
            }

            if (fields.Count == 0)
            {
                return new ConstantExpr(false);
            }

            var op = node.Operator switch
            {
                KqlRangeOperator.Less => CompareOp.Less,
                KqlRangeOperator.LessOrEqual => CompareOp.LessOrEqual,
                KqlRangeOperator.Greater => CompareOp.Greater,
                _ => CompareOp.GreaterOrEqual,
            };

            if (node.Value.Kind == KqlLiteralKind.Null)
            {
                Error(DiagnosticIds.InvalidValueForFieldType, node.Value, "A range needs a bound; 'null' is not one.");
                return null;
            }

            var operands = new List<BoolExpr>(fields.Count);
            foreach (var field in fields)
            {
                var lowered = FieldSemantics.Range(field, op, node.Value.Text, (descriptor, message) => Error(descriptor, node.Value, message));
                if (lowered is null)
                {
                    return null;
                }

                operands.Add(lowered);
            }

            return operands.Count == 1 ? operands[0] : new OrExpr(operands.ToArray());
        }

        private BoolExpr? LowerNested(KqlNested node)
        {
            // Kibana's nested.ts: the path is relative to the enclosing nested query, and the inner query's field names
            // are prefixed with the full path; the query DSL is { nested: { path, query, score_mode: none } }.
            var path = _nestedPrefix + node.Path.Text;
            if (_catalog.TryGetField(path, out var definition))
            {
                if (definition.Type != FieldType.Nested)
                {
                    Error(DiagnosticIds.TypeMismatch, node.Path, $"'{path}' is of type {FieldTypes.ToName(definition.Type)}, not nested, so Elasticsearch rejects '{path}:{{ ... }}'; write the conditions on '{path}.<field>' directly.");
                    return null;
                }

                var outer = _nestedPrefix;
                _nestedPrefix = path + ".";
                try
                {
                    var condition = Lower(node.Query);
                    return condition is null ? null : new NestedExpr(BoundField.From(definition, optional: false), condition);
                }
                finally
                {
                    _nestedPrefix = outer;
                }
            }

            Error(DiagnosticIds.UnknownField, node.Path, $"Unknown field '{path}': no schema defines it, so the nested query '{path}:{{ ... }}' cannot be compiled. Check the spelling or declare it in a <DetectionSchema> file.");
            return null;
        }

        /// <summary>
        /// The innermost nested field that holds <paramref name="path"/> (a proper prefix of type nested), or null.
        /// Elasticsearch indexes each object of a nested field as a separate hidden document, so a field under one is
        /// only seen by a nested query on exactly that path (docs/kql.md "Nested").
        /// </summary>
        private string? NestedOwnerOf(string path)
        {
            for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
            {
                if (_catalog.TryGetField(path.Substring(0, dot), out var owner) && owner.Type == FieldType.Nested)
                {
                    return owner.Path;
                }
            }

            return null;
        }

        /// <summary>The nested path whose objects the current condition is evaluated on (null: the event itself).</summary>
        private string? CurrentNestedScope => _nestedPrefix.Length == 0 ? null : _nestedPrefix.Substring(0, _nestedPrefix.Length - 1);

        /// <summary>
        /// Drops the fields a query here cannot see: those inside a nested field other than the current nested scope.
        /// Elasticsearch's term, match, range, exists and query_string queries on them match nothing (the values live
        /// in the nested documents, not in the document queried); when every field is dropped the condition is the
        /// constant false, warned DR4003 at the field name.
        /// </summary>
        private List<BoundField>? VisibleFields(List<BoundField>? fields, KqlLiteral fieldName)
        {
            if (fields is null)
            {
                return null;
            }

            string? hidden = null;
            string? owner = null;
            var visible = new List<BoundField>(fields.Count);
            foreach (var field in fields)
            {
                var fieldOwner = NestedOwnerOf(field.Path);
                if (fieldOwner is null || fieldOwner == CurrentNestedScope)
                {
                    visible.Add(field);
                }
                else
                {
                    hidden ??= field.Path;
                    owner ??= fieldOwner;
                }
            }

            if (visible.Count == 0 && hidden is not null)
            {
                var relative = hidden.Substring(owner!.Length + 1);
                var ownerName = CurrentNestedScope is { } scope ? owner.Substring(scope.Length + 1) : owner;
                var warning = _source.Error(
                    DiagnosticIds.KqlNestedFieldOutsideNestedQuery,
                    fieldName.Start,
                    fieldName.Length,
                    $"'{hidden}' never matches here: it is a field of the nested objects of '{owner}', which Elasticsearch indexes as separate documents that only a nested query on that path sees. Write '{ownerName}:{{ {relative}: ... }}'.");
                if (!_diagnostics.Contains(warning))
                {
                    _diagnostics.Add(warning);
                }
            }

            return visible;
        }

        /// <summary>The fields a KQL field name means: itself, or every catalog field its unquoted wildcard matches.</summary>
        private List<BoundField>? BindFields(KqlLiteral fieldName)
        {
            if (fieldName.Kind == KqlLiteralKind.Wildcard)
            {
                var glob = GlobPattern.FromKqlSegments(fieldName.Segments).ToGlob(lowercase: false);
                glob = glob is null ? null : _nestedPrefix + glob;
                var fields = new List<BoundField>();
                if (glob is not null)
                {
                    foreach (var definition in _catalog.Expand(glob))
                    {
                        fields.Add(BoundField.From(definition, optional: false));
                    }
                }

                if (fields.Count == 0)
                {
                    Error(DiagnosticIds.UnknownField, fieldName, $"No known field matches '{fieldName.Text}'. Check the pattern, or declare the fields in a <DetectionSchema> file.");
                    return null;
                }

                return fields;
            }

            var bound = _binder.Bind(_nestedPrefix + fieldName.Text, optional: false, fieldName.Start, fieldName.Length);
            return bound is null ? null : new List<BoundField> { bound };
        }

        private void Error(DiagnosticDescriptor descriptor, KqlNode at, string message) =>
            _diagnostics.Add(_source.Error(descriptor, at.Start, at.Length, message));
    }
}
