using System;
using System.Collections.Generic;
using System.Globalization;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Ir;
using Rules.Language.Kql;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Dsl
{
    /// <summary>
    /// Lowers a rule's <c>[[rule.filters]]</c> (Kibana filters: <c>{ "meta": {...}, "query": {...} }</c>, or a bare
    /// query-DSL object) into the IR with the same per-field-type meaning as KQL (<see cref="FieldSemantics"/>).
    /// As the detection engine builds its search (kbn-es-query buildEsQuery): enabled filters are ANDed with the
    /// query, <c>meta.negate</c> filters are ANDed as NOT, <c>meta.disabled</c> filters are skipped.
    /// Errors (DR5001 invalid filter, DR7002 unsupported query type, DR6001 unknown field, DR6003 bad value) point
    /// at the filter in the rule file. Never throws.
    /// </summary>
    public sealed class FilterCompiler
    {
        private readonly FieldCatalog _catalog;
        private readonly SourceText _file;
        private readonly RuleFilter _filter;
        private readonly List<RuleDiagnostic> _diagnostics;

        private FilterCompiler(FieldCatalog catalog, SourceText file, RuleFilter filter, List<RuleDiagnostic> diagnostics)
        {
            _catalog = catalog;
            _file = file;
            _filter = filter;
            _diagnostics = diagnostics;
        }

        /// <summary>The query's condition with the rule's filters applied, or null when any filter has an error.</summary>
        public static BoolExpr? ApplyFilters(BoolExpr query, IReadOnlyList<RuleFilter> filters, FieldCatalog catalog, SourceText file, List<RuleDiagnostic> diagnostics)
        {
            var operands = new List<BoolExpr> { query };
            var failed = false;
            foreach (var filter in filters)
            {
                var result = Compile(filter, catalog, file, diagnostics, out var skipped);
                if (skipped)
                {
                    continue;
                }

                if (result is null)
                {
                    failed = true;
                    continue;
                }

                operands.Add(result);
            }

            if (failed)
            {
                return null;
            }

            return operands.Count == 1 ? query : new AndExpr(operands.ToArray());
        }

        /// <summary>One filter's condition (already negated when meta.negate), or null after an error or when disabled
        /// (<paramref name="skipped"/> true, no error).</summary>
        public static BoolExpr? Compile(RuleFilter filter, FieldCatalog catalog, SourceText file, List<RuleDiagnostic> diagnostics, out bool skipped)
        {
            var compiler = new FilterCompiler(catalog, file, filter, diagnostics);
            try
            {
                return compiler.CompileFilter(out skipped);
            }
            catch (InsufficientExecutionStackException)
            {
                skipped = false;
                compiler.Error(DiagnosticIds.DslInvalid, "The filter nests too deeply to compile.");
                return null;
            }
        }

        private BoolExpr? CompileFilter(out bool skipped)
        {
            skipped = false;
            if (!JsonParser.TryParse(_filter.Json, out var root, out var jsonError, out var offset))
            {
                Error(DiagnosticIds.DslInvalid, $"The filter is not valid JSON ({jsonError} at character {offset + 1}). Write it as a Kibana filter with 'meta' and 'query' tables.");
                return null;
            }

            if (root!.Kind != JsonKind.Object)
            {
                Error(DiagnosticIds.DslInvalid, "A filter must be an object: a Kibana filter with 'meta' and 'query', or a query-DSL query.");
                return null;
            }

            var meta = root.Get("meta");
            var negate = _filter.Negate || (meta?.Get("negate")?.Kind == JsonKind.Boolean && meta.Get("negate")!.Boolean);
            var disabled = _filter.Disabled || (meta?.Get("disabled")?.Kind == JsonKind.Boolean && meta.Get("disabled")!.Boolean);
            if (disabled)
            {
                skipped = true;
                return null;
            }

            // Kibana's cleanFilter: drop meta and $state; what is left is the query (or sits under "query").
            var rest = new List<KeyValuePair<string, JsonValue>>();
            foreach (var member in root.Members)
            {
                if (member.Key != "meta" && member.Key != "$state")
                {
                    rest.Add(member);
                }
            }

            JsonValue query;
            string path;
            if (rest.Count == 1 && rest[0].Key == "query")
            {
                query = rest[0].Value;
                path = "query";
            }
            else if (rest.Count == 0)
            {
                Error(DiagnosticIds.DslInvalid, "The filter has no query: add a 'query' table such as [rule.filters.query.term.\"event.action\"].");
                return null;
            }
            else
            {
                query = JsonValue.Object(rest);
                path = "";
            }

            var condition = Query(query, path);
            if (condition is null)
            {
                return null;
            }

            return negate ? new NotExpr(condition) : condition;
        }

        private BoolExpr? Query(JsonValue query, string path)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            if (query.Kind != JsonKind.Object || query.Members.Count != 1)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}a query must be an object with exactly one query type (bool, term, match, ...), found {Describe(query)}.");
                return null;
            }

            var type = query.Members[0].Key;
            var body = query.Members[0].Value;
            var at = Join(path, type);
            switch (type)
            {
                case "bool":
                    return Bool(body, at);
                case "match_all":
                    return new ConstantExpr(true);
                case "match_none":
                    return new ConstantExpr(false);
                case "exists":
                    return Exists(body, at);
                case "term":
                    return FieldQuery(body, at, "value", (field, value, options) =>
                        FieldSemantics.Term(field, value, CaseInsensitive(options), Report));
                case "terms":
                    return Terms(body, at);
                case "match":
                    return FieldQuery(body, at, "query", (field, value, options) => Match(field, value, options, at));
                case "match_phrase":
                    return FieldQuery(body, at, "query", (field, value, options) => MatchPhrase(field, value, options, at));
                case "wildcard":
                    return FieldQuery(body, at, "value", (field, value, options) =>
                        FieldSemantics.WildcardQuery(field, GlobPattern.FromLuceneWildcard(value), CaseInsensitive(options), normalize: false, Report), "wildcard");
                case "prefix":
                    return FieldQuery(body, at, "value", (field, value, options) =>
                        FieldSemantics.WildcardQuery(field, GlobPattern.FromLuceneWildcard(EscapeLuceneWildcard(value) + "*"), CaseInsensitive(options), normalize: false, Report));
                case "range":
                    return Range(body, at);
                case "nested":
                    return Nested(body, at);
                default:
                    Error(DiagnosticIds.UnsupportedFeature, $"{Where(at)}the query type '{type}' is not supported in filters; use bool, term, terms, match, match_phrase, wildcard, prefix, exists, range or nested.");
                    return null;
            }
        }

        private void Report(DiagnosticDescriptor descriptor, string message) => Error(descriptor, message);

        private BoolExpr? Bool(JsonValue body, string path)
        {
            if (body.Kind != JsonKind.Object)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}bool takes an object of clauses (must, filter, should, must_not), found {Describe(body)}.");
                return null;
            }

            var required = new List<BoolExpr>();
            var should = new List<BoolExpr>();
            var failed = false;
            JsonValue? minimumShouldMatch = null;
            var positiveClauses = 0;
            foreach (var member in body.Members)
            {
                switch (member.Key)
                {
                    case "must":
                    case "filter":
                    case "should":
                    case "must_not":
                        var clauses = member.Value.Kind == JsonKind.Array ? member.Value.Items : new List<JsonValue> { member.Value };
                        for (var i = 0; i < clauses.Count; i++)
                        {
                            var clausePath = member.Value.Kind == JsonKind.Array ? $"{Join(path, member.Key)}[{i}]" : Join(path, member.Key);
                            var lowered = Query(clauses[i], clausePath);
                            if (lowered is null)
                            {
                                failed = true;
                                continue;
                            }

                            if (member.Key == "must" || member.Key == "filter")
                            {
                                positiveClauses++;
                            }

                            if (member.Key == "should")
                            {
                                should.Add(lowered);
                            }
                            else
                            {
                                required.Add(member.Key == "must_not" ? new NotExpr(lowered) : lowered);
                            }
                        }

                        break;
                    case "minimum_should_match":
                        minimumShouldMatch = member.Value;
                        break;
                    case "boost":
                    case "_name":
                        break;
                    default:
                        Error(DiagnosticIds.DslInvalid, $"{Where(path)}unknown bool clause '{member.Key}'; use must, filter, should, must_not or minimum_should_match.");
                        failed = true;
                        break;
                }
            }

            if (failed)
            {
                return null;
            }

            var positive = positiveClauses > 0;

            // Elasticsearch: with no must or filter clause, at least one should clause must match; otherwise none need to.
            var minimum = positive ? 0 : 1;
            if (minimumShouldMatch is not null)
            {
                if (!TryMinimumShouldMatch(minimumShouldMatch, should.Count, out minimum))
                {
                    Error(DiagnosticIds.UnsupportedFeature, $"{Where(path)}minimum_should_match '{minimumShouldMatch.Text}' is not supported; use an integer, a negative integer or a percentage.");
                    return null;
                }
            }

            if (should.Count > 0 && minimum > 0)
            {
                var combined = AtLeast(should, minimum, path);
                if (combined is null)
                {
                    return null;
                }

                required.Add(combined);
            }
            else if (should.Count == 0 && minimum > 0 && minimumShouldMatch is not null)
            {
                // More should clauses required than exist: nothing matches.
                required.Add(new ConstantExpr(false));
            }

            return required.Count switch
            {
                0 => new ConstantExpr(true),
                1 => required[0],
                _ => new AndExpr(required.ToArray()),
            };
        }

        private static bool TryMinimumShouldMatch(JsonValue value, int optional, out int minimum)
        {
            minimum = 0;
            var text = value.ScalarText?.Trim();
            if (string.IsNullOrEmpty(text) || value.Kind == JsonKind.Boolean)
            {
                return false;
            }

            // Queries.calculateMinShouldMatch: integers and percentages, negative ones counted from the total.
            var percent = text!.EndsWith("%", StringComparison.Ordinal);
            var number = percent ? text.Substring(0, text.Length - 1) : text;
            if (!int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            int result;
            if (percent)
            {
                var part = (int)Math.Floor(optional * Math.Abs(parsed) / 100.0);
                result = parsed < 0 ? optional - part : part;
            }
            else
            {
                result = parsed < 0 ? optional + parsed : parsed;
            }

            minimum = result < 0 ? 0 : result;
            return true;
        }

        private BoolExpr? AtLeast(List<BoolExpr> clauses, int minimum, string path)
        {
            if (minimum > clauses.Count)
            {
                return new ConstantExpr(false);
            }

            if (minimum == 1)
            {
                return clauses.Count == 1 ? clauses[0] : new OrExpr(clauses.ToArray());
            }

            if (minimum == clauses.Count)
            {
                return new AndExpr(clauses.ToArray());
            }

            // k of n: the OR of every k-combination, kept small.
            double combinations = 1;
            for (var i = 0; i < minimum; i++)
            {
                combinations = combinations * (clauses.Count - i) / (i + 1);
            }

            if (combinations > 256)
            {
                Error(DiagnosticIds.UnsupportedFeature, $"{Where(path)}minimum_should_match {minimum} of {clauses.Count} clauses expands to {combinations} combinations, more than this compiler supports (256).");
                return null;
            }

            var result = new List<BoolExpr>();
            var chosen = new List<BoolExpr>();
            void Choose(int from)
            {
                if (chosen.Count == minimum)
                {
                    result.Add(new AndExpr(chosen.ToArray()));
                    return;
                }

                for (var i = from; i <= clauses.Count - (minimum - chosen.Count); i++)
                {
                    chosen.Add(clauses[i]);
                    Choose(i + 1);
                    chosen.RemoveAt(chosen.Count - 1);
                }
            }

            Choose(0);
            return new OrExpr(result.ToArray());
        }

        private BoolExpr? Exists(JsonValue body, string path)
        {
            var name = body.Kind == JsonKind.Object ? body.Get("field") : null;
            if (name?.Kind != JsonKind.String)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}exists needs a field name: {{\"exists\": {{\"field\": \"process.name\"}}}}.");
                return null;
            }

            var fields = BindFields(name.Text!, path);
            if (fields is null)
            {
                return null;
            }

            var operands = new List<BoolExpr>();
            foreach (var field in fields)
            {
                operands.Add(new ExistsExpr(field));
            }

            return AnyOf(operands);
        }

        /// <summary>A single-field query written <c>{"field": value}</c> or <c>{"field": {valueKey: value, ...options}}</c>.</summary>
        private static readonly Dictionary<string, string[]> AllowedOptions = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["term"] = new[] { "value", "case_insensitive", "boost", "_name" },
            ["match"] = new[] { "query", "operator", "boost", "_name" },
            ["match_phrase"] = new[] { "query", "boost", "_name" },
            ["wildcard"] = new[] { "value", "wildcard", "case_insensitive", "rewrite", "boost", "_name" },
            ["prefix"] = new[] { "value", "case_insensitive", "rewrite", "boost", "_name" },
        };

        private BoolExpr? FieldQuery(JsonValue body, string path, string valueKey, Func<BoundField, string, JsonValue?, BoolExpr?> lower, string? alternateKey = null)
        {
            var queryType = path.Substring(path.LastIndexOf('.') + 1);
            var allowed = AllowedOptions.TryGetValue(queryType, out var known) ? known : new[] { valueKey };
            var fieldMembers = new List<KeyValuePair<string, JsonValue>>();
            if (body.Kind == JsonKind.Object)
            {
                foreach (var member in body.Members)
                {
                    if (member.Key != "boost" && member.Key != "_name")
                    {
                        fieldMembers.Add(member);
                    }
                }
            }

            if (fieldMembers.Count != 1)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}expected exactly one field, as in {{\"process.name\": \"cmd.exe\"}}, found {Describe(body)}.");
                return null;
            }

            var fieldName = fieldMembers[0].Key;
            var spec = fieldMembers[0].Value;
            JsonValue? options = null;
            JsonValue? valueNode = spec;
            if (spec.Kind == JsonKind.Object)
            {
                options = spec;
                valueNode = spec.Get(valueKey) ?? (alternateKey is null ? null : spec.Get(alternateKey));
                foreach (var option in spec.Members)
                {
                    if (Array.IndexOf(allowed, option.Key) < 0)
                    {
                        Error(DiagnosticIds.UnsupportedFeature, $"{Where(Join(path, fieldName))}the option '{option.Key}' is not supported for {queryType}; supported: {string.Join(", ", allowed)}.");
                        return null;
                    }
                }
            }

            var value = valueNode?.ScalarText;
            if (value is null)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(Join(path, fieldName))}expected a value (string, number or boolean) under '{valueKey}', found {Describe(valueNode)}.");
                return null;
            }

            var fields = BindFields(fieldName, path);
            if (fields is null)
            {
                return null;
            }

            var operands = new List<BoolExpr>();
            foreach (var field in fields)
            {
                var lowered = lower(field, value, options);
                if (lowered is null)
                {
                    return null;
                }

                operands.Add(lowered);
            }

            return AnyOf(operands);
        }

        private BoolExpr? Match(BoundField field, string value, JsonValue? options, string path)
        {
            var op = options?.Get("operator")?.Text;
            if (op is not null && !string.Equals(op, "or", StringComparison.OrdinalIgnoreCase) && !string.Equals(op, "and", StringComparison.OrdinalIgnoreCase))
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}operator must be 'or' or 'and', found '{op}'.");
                return null;
            }

            if (op is not null && string.Equals(op, "and", StringComparison.OrdinalIgnoreCase) && field.ValueKind == FieldValueKind.Text)
            {
                var tokens = Analysis.StandardAnalyzer.Analyze(value);
                return tokens.Count == 0 ? new ConstantExpr(false) : new TextMatchExpr(field, tokens.ToArray(), false);
            }

            return FieldSemantics.Match(field, value, phrase: false, Report);
        }

        private BoolExpr? MatchPhrase(BoundField field, string value, JsonValue? options, string path)
        {
            return FieldSemantics.Match(field, value, phrase: true, Report);
        }

        private BoolExpr? Terms(JsonValue body, string path)
        {
            KeyValuePair<string, JsonValue>? only = null;
            foreach (var member in body.Members)
            {
                if (member.Key == "boost" || member.Key == "_name")
                {
                    continue;
                }

                if (only is not null)
                {
                    only = null;
                    break;
                }

                only = member;
            }

            if (body.Kind != JsonKind.Object || only is null || only.Value.Value.Kind != JsonKind.Array)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}terms takes one field and an array of values, as in {{\"event.action\": [\"a\", \"b\"]}}.");
                return null;
            }

            var fields = BindFields(only.Value.Key, path);
            if (fields is null)
            {
                return null;
            }

            var operands = new List<BoolExpr>();
            foreach (var item in only.Value.Value.Items)
            {
                var value = item.ScalarText;
                if (value is null)
                {
                    Error(DiagnosticIds.DslInvalid, $"{Where(Join(path, only.Value.Key))}terms values must be strings, numbers or booleans, found {Describe(item)}.");
                    return null;
                }

                foreach (var field in fields)
                {
                    var lowered = FieldSemantics.Term(field, value, false, Report);
                    if (lowered is null)
                    {
                        return null;
                    }

                    operands.Add(lowered);
                }
            }

            return operands.Count switch
            {
                0 => new ConstantExpr(false),
                1 => operands[0],
                _ => new OrExpr(operands.ToArray()),
            };
        }

        private BoolExpr? Range(JsonValue body, string path)
        {
            if (body.Kind != JsonKind.Object || body.Members.Count != 1 || body.Members[0].Value.Kind != JsonKind.Object)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}range takes one field and its bounds, as in {{\"destination.port\": {{\"gte\": 1024}}}}.");
                return null;
            }

            var fieldName = body.Members[0].Key;
            var bounds = body.Members[0].Value;
            var fields = BindFields(fieldName, path);
            if (fields is null)
            {
                return null;
            }

            var operands = new List<BoolExpr>();
            foreach (var field in fields)
            {
                var conditions = new List<BoolExpr>();
                foreach (var bound in bounds.Members)
                {
                    CompareOp op;
                    switch (bound.Key)
                    {
                        case "gt": op = CompareOp.Greater; break;
                        case "gte": op = CompareOp.GreaterOrEqual; break;
                        case "lt": op = CompareOp.Less; break;
                        case "lte": op = CompareOp.LessOrEqual; break;
                        case "boost":
                        case "_name":
                            continue;
                        default:
                            Error(DiagnosticIds.UnsupportedFeature, $"{Where(Join(path, fieldName))}the range option '{bound.Key}' is not supported; use gt, gte, lt and lte (dates in ISO 8601 UTC).");
                            return null;
                    }

                    if (bound.Value.Kind == JsonKind.Null)
                    {
                        continue; // an open bound
                    }

                    var text = bound.Value.ScalarText;
                    if (text is null)
                    {
                        Error(DiagnosticIds.DslInvalid, $"{Where(Join(path, fieldName))}the bound '{bound.Key}' must be a string or number, found {Describe(bound.Value)}.");
                        return null;
                    }

                    var lowered = FieldSemantics.Range(field, op, text, Report);
                    if (lowered is null)
                    {
                        return null;
                    }

                    conditions.Add(lowered);
                }

                // A range with no bounds matches every event with a value.
                operands.Add(conditions.Count switch
                {
                    0 => new ExistsExpr(field),
                    1 => conditions[0],
                    _ => new AndExpr(conditions.ToArray()),
                });
            }

            return AnyOf(operands);
        }

        private static bool CaseInsensitive(JsonValue? options) =>
            options?.Get("case_insensitive") is { Kind: JsonKind.Boolean, Boolean: true };

        private static string EscapeLuceneWildcard(string literal) =>
            literal.Replace("\\", "\\\\").Replace("*", "\\*").Replace("?", "\\?");

        private static BoolExpr AnyOf(List<BoolExpr> operands) => operands.Count switch
        {
            0 => new ConstantExpr(false),
            1 => operands[0],
            _ => new OrExpr(operands.ToArray()),
        };

        /// <summary>The nested field whose objects the current query runs on (null: the event).</summary>
        private string? _nestedScope;

        /// <summary>
        /// <c>{"nested": {"path": "p", "query": {...}}}</c>: some object of the nested field p satisfies the query, whose
        /// field names are full paths (Elasticsearch reference, "Nested query"). <c>score_mode</c>, <c>inner_hits</c>,
        /// <c>boost</c> and <c>_name</c> do not change which events match; <c>ignore_unmapped: true</c> turns an unknown
        /// path into a query that matches nothing, as Elasticsearch does.
        /// </summary>
        private BoolExpr? Nested(JsonValue body, string path)
        {
            var nestedPath = body.Kind == JsonKind.Object ? body.Get("path") : null;
            var query = body.Kind == JsonKind.Object ? body.Get("query") : null;
            if (nestedPath?.Kind != JsonKind.String || query is null)
            {
                Error(DiagnosticIds.DslInvalid, $"{Where(path)}nested needs a path and a query: {{\"nested\": {{\"path\": \"p\", \"query\": {{...}}}}}}.");
                return null;
            }

            var ignoreUnmapped = false;
            foreach (var option in body.Members)
            {
                switch (option.Key)
                {
                    case "path":
                    case "query":
                    case "score_mode":
                    case "inner_hits":
                    case "boost":
                    case "_name":
                        break;
                    case "ignore_unmapped" when option.Value.Kind == JsonKind.Boolean:
                        ignoreUnmapped = option.Value.Text == "true";
                        break;
                    default:
                        Error(DiagnosticIds.UnsupportedFeature, $"{Where(Join(path, option.Key))}the nested option '{option.Key}' is not supported; use path, query, score_mode, ignore_unmapped, inner_hits, boost or _name.");
                        return null;
                }
            }

            var name = nestedPath.Text!;
            if (!_catalog.TryGetField(name, out var definition))
            {
                if (ignoreUnmapped)
                {
                    return new ConstantExpr(false);
                }

                Error(DiagnosticIds.UnknownField, $"{Where(path)}unknown nested field '{name}': no schema defines it. Check the spelling, or declare it (type: nested) in a <DetectionSchema> file.");
                return null;
            }

            if (definition.Type != FieldType.Nested)
            {
                Error(DiagnosticIds.TypeMismatch, $"{Where(path)}'{name}' is of type {FieldTypes.ToName(definition.Type)}, not nested, so Elasticsearch rejects a nested query on it; query '{name}.<field>' directly.");
                return null;
            }

            var outer = _nestedScope;
            _nestedScope = name;
            try
            {
                var condition = Query(query, Join(path, "query"));
                return condition is null ? null : new NestedExpr(BoundField.From(definition, optional: false), condition);
            }
            finally
            {
                _nestedScope = outer;
            }
        }

        /// <summary>The innermost nested field holding <paramref name="fieldPath"/>, or null (see KqlCompiler).</summary>
        private string? NestedOwnerOf(string fieldPath)
        {
            for (var dot = fieldPath.LastIndexOf('.'); dot > 0; dot = fieldPath.LastIndexOf('.', dot - 1))
            {
                if (_catalog.TryGetField(fieldPath.Substring(0, dot), out var owner) && owner.Type == FieldType.Nested)
                {
                    return owner.Path;
                }
            }

            return null;
        }

        private List<BoundField>? BindFields(string name, string path)
        {
            var fields = BindAllFields(name, path);
            if (fields is null)
            {
                return null;
            }

            // Fields of nested objects are only seen by a nested query on exactly their nested field: elsewhere the
            // query matches nothing (Elasticsearch indexes each nested object as a separate document).
            var visible = fields.FindAll(f => NestedOwnerOf(f.Path) is not { } owner || owner == _nestedScope);
            if (visible.Count == 0)
            {
                var owner = NestedOwnerOf(fields[0].Path)!;
                _diagnostics.Add(DiagnosticIds.KqlNestedFieldOutsideNestedQuery.Create(_file, _filter.Span,
                    $"{Where(path)}'{fields[0].Path}' never matches here: it is a field of the nested objects of '{owner}', which Elasticsearch indexes as separate documents that only a nested query on that path sees. Wrap the query in {{\"nested\": {{\"path\": \"{owner}\", \"query\": ...}}}}."));
            }

            return visible;
        }

        private List<BoundField>? BindAllFields(string name, string path)
        {
            var fields = new List<BoundField>();
            if (name.IndexOf('*') >= 0)
            {
                foreach (var definition in _catalog.Expand(name))
                {
                    fields.Add(BoundField.From(definition, optional: false));
                }
            }
            else if (_catalog.TryGetField(name, out var definition))
            {
                fields.Add(BoundField.From(definition, optional: false));
            }

            if (fields.Count == 0)
            {
                Error(DiagnosticIds.UnknownField, $"{Where(path)}unknown field '{name}': no schema defines it. Check the spelling, or declare it in a <DetectionSchema> file.");
                return null;
            }

            return fields;
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

        private static string Where(string path) => path.Length == 0 ? "In the filter: " : $"In the filter at '{path}': ";

        private static string Describe(JsonValue? value) => value?.Kind switch
        {
            null => "nothing",
            JsonKind.Object => "an object" + (value.Members.Count == 0 ? " with no members" : value.Members.Count > 1 ? $" with {value.Members.Count} members" : ""),
            JsonKind.Array => "an array",
            JsonKind.String => $"the string \"{value.Text}\"",
            JsonKind.Number => $"the number {value.Text}",
            JsonKind.Boolean => value.Text ?? "",
            _ => "null",
        };

        private void Error(DiagnosticDescriptor descriptor, string message) =>
            _diagnostics.Add(descriptor.Create(_file, _filter.Span, message));
    }
}
