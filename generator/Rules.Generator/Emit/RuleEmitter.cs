using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Rules.Generator.Model;
using Rules.Language.Documents;
using Rules.Language.Ir;
using Rules.Language.Optimization;
using Rules.Language.Schema;

namespace Rules.Generator.Emit
{
    /// <summary>
    /// Emits one rule's C# file: a sealed matcher class with the rule's metadata, the original query as a comment,
    /// and one named method per leaf check. Matching code never allocates: every pattern, set and handle is a static
    /// field built once. Sequence and sample rules are emitted by the other part of this class
    /// (RuleEmitter.Sequences.cs), with the same leaf-check machinery.
    /// </summary>
    internal sealed partial class RuleEmitter
    {
        internal const string Namespace = "Rules.Generated";
        private const string Runtime = "global::Rules.Runtime";
        private const string Matching = "global::Rules.Runtime.Matching";

        private readonly RuleModel _model;
        private readonly RuleDocument _rule;
        private readonly CheckNamer _names = new CheckNamer();
        private readonly Dictionary<BoolExpr, string> _checkNames = new Dictionary<BoolExpr, string>();
        private readonly List<string> _checkMethods = new List<string>();
        private readonly List<string> _staticFields = new List<string>();
        private readonly Dictionary<string, string> _staticFieldNames = new Dictionary<string, string>();

        private RuleEmitter(RuleModel model)
        {
            _model = model;
            _rule = model.Rule!;
        }

        public static string Emit(RuleModel model) => new RuleEmitter(model).EmitFile();

        /// <summary>The plans this emitter turns into code; any other plan is reported on the rule, never emitted.</summary>
        public static bool Supports(QueryPlan plan) =>
            plan is EventQueryPlan or SequencePlan or SamplePlan || (plan is PipedPlan piped && piped.Query is SequencePlan or SamplePlan);

        private string EmitFile()
        {
            if (_model.Plan is not EventQueryPlan plan)
            {
                return EmitMultiEventFile();
            }

            var conditionCode = EmitCondition(plan.Condition, "            ");
            var categoryCheck = CategoryCheck(plan.Categories);

            var b = new StringBuilder();
            AppendFileHeader(b, "EventRule");
            foreach (var field in _staticFields)
            {
                b.Append(field);
            }

            if (_staticFields.Count > 0)
            {
                b.Append('\n');
            }

            b.Append("        private ").Append(_model.ClassName).Append("()\n");
            b.Append("            : base(CreateMetadata(), new string[] { ").Append(string.Join(", ", plan.Categories.Select(CSharp.String))).Append(" })\n");
            b.Append("        {\n        }\n\n");
            b.Append("        /// <inheritdoc/>\n");
            b.Append("        public override bool Matches(").Append(Runtime).Append(".EcsEvent e) =>\n");
            b.Append("            ").Append(categoryCheck is null ? string.Empty : "(" + categoryCheck + ") && ").Append("MatchesCondition(e);\n\n");
            b.Append("        /// <inheritdoc/>\n");
            b.Append("        public override bool MatchesCondition(").Append(Runtime).Append(".EcsEvent e) =>\n");
            b.Append("            ").Append(conditionCode).Append(";\n");
            AppendPrefilter(b, plan);
            foreach (var method in _checkMethods)
            {
                b.Append('\n').Append(method);
            }

            b.Append('\n');
            AppendMetadata(b);
            b.Append("    }\n}\n");
            return b.ToString();
        }

        /// <summary>The necessary conditions the engine indexes the rule by, when the condition has some
        /// (Optimization/PrefilterSelection): one reader per field, read as the checks above read it, and the atoms of
        /// each condition.</summary>
        private static void AppendPrefilter(StringBuilder b, EventQueryPlan plan)
        {
            var prefilter = PrefilterSelection.Select(plan);
            if (prefilter is null)
            {
                return;
            }

            // A field read for its values and one read for its presence only get separate readers.
            var fields = prefilter.Atoms.Select(a => (a.Field, Presence: a.Kind == PrefilterAtomKind.Exists)).Distinct().ToList();
            var locals = fields.ToDictionary(f => f, f => "field" + fields.IndexOf(f).ToString(CultureInfo.InvariantCulture));
            b.Append('\n');
            b.Append(prefilter.Conditions.Count == 1
                ? "        /// <summary>This rule can only match an event passing one of these tests (any case): the engine indexes it by them.</summary>\n"
                : "        /// <summary>This rule can only match an event passing, in each group, one of its tests (any case): the engine indexes it by them.</summary>\n");
            b.Append("        public override ").Append(Runtime).Append(".RulePrefilter? Prefilter => PrefilterIndex;\n\n");
            b.Append("        private static readonly ").Append(Runtime).Append(".RulePrefilter PrefilterIndex = CreatePrefilter();\n\n");
            b.Append("        private static ").Append(Runtime).Append(".RulePrefilter CreatePrefilter()\n        {\n");
            foreach (var (field, presence) in fields)
            {
                var local = locals[(field, presence)];
                if (presence)
                {
                    // As ExistsCode reads it: a non-null ECS value, a non-null array element, any overflow value.
                    var access = EcsNaming.Accessor("e", field.Path);
                    if (!field.IsEcs)
                    {
                        b.Append("            var ").Append(local).Append("Handle = ").Append(Runtime).Append(".OverflowFieldRegistry.Register(")
                            .Append(CSharp.String(field.Path)).Append(", ").Append(Runtime).Append(".OverflowKind.").Append(field.ValueKind).Append(");\n");
                    }

                    var test = !field.IsEcs
                        ? "e => e.Overflow." + OverflowGetter(field.ValueKind) + "(" + local + "Handle).Length > 0"
                        : "static e => " + (field.IsArray ? Matching + ".FieldValues.HasAny(" + access + ")" : access + " is not null");
                    b.Append("            var ").Append(local).Append(" = ").Append(Runtime).Append(".PrefilterField.Presence(")
                        .Append(CSharp.String(field.Path)).Append(", ").Append(test).Append(field.IsEcs ? RootArguments(field.Path) : string.Empty).Append(");\n");
                    continue;
                }

                b.Append("            var ").Append(local).Append(" = ").Append(Runtime).Append(".PrefilterField.");
                if (!field.IsEcs)
                {
                    b.Append("NonEcs(").Append(Runtime).Append(".OverflowFieldRegistry.Register(").Append(CSharp.String(field.Path)).Append(", ")
                        .Append(Runtime).Append(".OverflowKind.").Append(field.ValueKind).Append("));\n");
                }
                else if (field.ValueKind == FieldValueKind.Integer)
                {
                    b.Append("Integer(").Append(CSharp.String(field.Path)).Append(", static e => ")
                        .Append(EcsNaming.Accessor("e", field.Path)).Append(RootArguments(field.Path)).Append(");\n");
                }
                else
                {
                    b.Append(field.IsArray ? "Array(" : "Single(").Append(CSharp.String(field.Path)).Append(", static e => ")
                        .Append(EcsNaming.Accessor("e", field.Path)).Append(RootArguments(field.Path)).Append(");\n");
                }
            }

            string Atoms(RulePrefilter condition, string indent) =>
                string.Join(",\n", condition.Atoms.Select(a => indent + locals[(a.Field, a.Kind == PrefilterAtomKind.Exists)] + "." + AtomCall(a)));
            if (prefilter.Conditions.Count == 1)
            {
                b.Append("            return new ").Append(Runtime).Append(".RulePrefilter(\n");
                b.Append(Atoms(prefilter.Conditions[0], "                ")).Append(");\n");
            }
            else
            {
                // Every condition is necessary; the engine admits the rule only where each one holds.
                b.Append("            return ").Append(Runtime).Append(".RulePrefilter.AllOf(\n");
                b.Append(string.Join(",\n", prefilter.Conditions.Select(c => "                new[]\n                {\n" + Atoms(c, "                    ") + ",\n                }"))).Append(");\n");
            }

            b.Append("        }\n");
        }

        /// <summary>For an ECS field under an object: the object's path and presence test, so the engine tests the
        /// object once for all its fields (empty for a top-level field).</summary>
        private static string RootArguments(string fieldPath)
        {
            var dot = fieldPath.IndexOf('.');
            if (dot <= 0)
            {
                return string.Empty;
            }

            var root = fieldPath.Substring(0, dot);
            return ", " + CSharp.String(root) + ", static e => " + EcsNaming.Accessor("e", root) + " is not null";
        }

        private static string AtomCall(PrefilterAtom atom) => atom.Kind switch
        {
            PrefilterAtomKind.Exact when atom.Field.ValueKind == FieldValueKind.Integer =>
                "Exact(" + CSharp.Long(long.Parse(atom.Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)) + ")",
            PrefilterAtomKind.Exact => "Exact(" + CSharp.String(atom.Literal) + ")",
            PrefilterAtomKind.Prefix when atom.Offset > 0 => "Prefix(" + CSharp.String(atom.Literal) + ", offset: " + atom.Offset.ToString(CultureInfo.InvariantCulture) + ")",
            PrefilterAtomKind.Prefix => "Prefix(" + CSharp.String(atom.Literal) + ")",
            PrefilterAtomKind.Suffix => "Suffix(" + CSharp.String(atom.Literal) + ")",
            PrefilterAtomKind.Exists => "Exists()",
            _ => "Contains(" + CSharp.String(atom.Literal) + ")",
        };

        /// <summary>The test that <c>event.category</c> holds one of the categories (null: any event).</summary>
        private static string? CategoryCheck(Language.EquatableArray<string> categories) =>
            categories.Count == 0
                ? null
                : string.Join(" || ", categories.Select(c => $"{Matching}.FieldValues.Contains(e.Event?.Category, {CSharp.String(c)})"));

        /// <summary>The file's comment header, namespace, and the class declaration up to its Instance field.</summary>
        private void AppendFileHeader(StringBuilder b, string baseClass)
        {
            b.Append("// <auto-generated/>\n");
            b.Append("// Generated by Rules.Generator from ").Append(_model.FilePath).Append('\n');
            b.Append("// Rule:       ").Append(OneLine(_rule.Name)).Append('\n');
            b.Append("// Rule id:    ").Append(_rule.RuleId).Append('\n');
            b.Append("// Type:       ").Append(_rule.Type).Append(" (").Append(_rule.Language).Append(")\n");
            b.Append("// Severity:   ").Append(_rule.Severity).Append(", risk score ").Append(_rule.RiskScore.ToString(CultureInfo.InvariantCulture)).Append('\n');
            b.Append("//\n// Query:\n");
            CSharp.AppendCommentLines(b, string.Empty, "    " + _rule.Query.Trim().Replace("\n", "\n    "));
            b.Append("#nullable enable\n\n");
            b.Append("namespace ").Append(Namespace).Append('\n').Append("{\n");
            b.Append("    /// <summary>").Append(CSharp.Xml(_rule.Name)).Append("</summary>\n");
            b.Append("    /// <remarks>").Append(CSharp.Xml(_rule.Description)).Append("</remarks>\n");
            b.Append("    [global::System.CodeDom.Compiler.GeneratedCode(\"Rules.Generator\", \"1.0.0\")]\n");
            b.Append("    public sealed class ").Append(_model.ClassName).Append(" : ").Append(Runtime).Append('.').Append(baseClass).Append("\n    {\n");
            b.Append("        /// <summary>The one instance of this rule.</summary>\n");
            b.Append("        public static readonly ").Append(_model.ClassName).Append(" Instance = new ").Append(_model.ClassName).Append("();\n\n");
        }

        private static string OneLine(string text) => text.Replace("\r", " ").Replace("\n", " ");

        // ------------------------------------------------------------------ boolean structure

        private string EmitCondition(BoolExpr expr, string indent) => EmitBool(expr, indent, topLevel: true);

        private string EmitBool(BoolExpr expr, string indent, bool topLevel)
        {
            switch (expr)
            {
                case AndExpr and:
                    return Join(CheapestFirst(and.Operands, isAnd: true), "&&", indent, topLevel);
                case OrExpr or:
                    var operands = CheapestFirst(GroupStringTests(GroupPhraseTests(GroupWordTests(or.Operands))), isAnd: false);
                    var joined = Join(operands, "||", indent, topLevel);
                    return PresenceGuard(operands) is { } field
                        ? CheckMethod(new ExistsExpr(field)) + "(e) && (" + joined + ")"
                        : joined;
                case NotExpr not:
                    return "!" + Parenthesize(EmitBool(not.Operand, indent, topLevel: false), not.Operand);
                case ConstantExpr constant:
                    return CSharp.Bool(constant.Value);
                case NestedExpr nested:
                    return NestedCheck(nested) + "(e)";
                default:
                    return CheckMethod(expr) + "(e)";
            }
        }

        /// <summary>
        /// A long OR of tests on one field that all fail when the field is missing (value tests never match null) is
        /// guarded by one presence test: an event without the field skips them all. Exact, and it turns the corpus'
        /// hundred-phrase PowerShell rules into one field lookup for every event that is not a script block.
        /// </summary>
        private static BoundField? PresenceGuard(Language.EquatableArray<BoolExpr> operands)
        {
            if (operands.Count < 3)
            {
                return null;
            }

            BoundField? shared = null;
            foreach (var operand in operands)
            {
                var field = operand switch
                {
                    StringMatchExpr { Target: FieldExpr f } => f.Field,
                    TextMatchExpr text => text.Field,
                    TextMatchAnyExpr any => any.Field,
                    TextAnyPhraseExpr phrases => phrases.Field,
                    TextTokenWildcardExpr wildcard => wildcard.Field,
                    CidrMatchExpr { Target: FieldExpr f } => f.Field,
                    CompareExpr { Left: FieldExpr f, Right: LiteralExpr { LiteralType: not IrType.Null } } => f.Field,
                    _ => null,
                };
                if (field is null || (shared is not null && field != shared))
                {
                    return null;
                }

                shared = field;
            }

            return shared is { IsOptional: false } ? shared : null;
        }

        /// <summary>One-word text tests on the same field under an OR become one check that tokenizes the text once.</summary>
        private static Language.EquatableArray<BoolExpr> GroupWordTests(Language.EquatableArray<BoolExpr> operands)
        {
            // OR is associative: nested ORs (KQL's "a or (b or c)", one per multi-word value) join the outer one first.
            if (operands.Any(o => o is OrExpr))
            {
                operands = Flatten(operands).ToArray();
            }

            var words = operands.OfType<TextMatchExpr>().Where(t => !t.Phrase && t.Tokens.Count == 1).GroupBy(t => t.Field).Where(g => g.Count() > 1).ToList();
            if (words.Count == 0)
            {
                return operands;
            }

            var grouped = new List<BoolExpr>();
            var emitted = new HashSet<BoundField>();
            foreach (var operand in operands)
            {
                var group = operand is TextMatchExpr { Phrase: false } text && text.Tokens.Count == 1 ? words.FirstOrDefault(g => g.Key == text.Field) : null;
                if (group is null)
                {
                    grouped.Add(operand);
                }
                else if (emitted.Add(group.Key))
                {
                    grouped.Add(new TextMatchAnyExpr(group.Key, group.Select(t => t.Tokens[0]).Distinct().ToArray()));
                }
            }

            return grouped.ToArray();
        }

        private static IEnumerable<BoolExpr> Flatten(IEnumerable<BoolExpr> operands) =>
            operands.SelectMany(o => o is OrExpr or ? Flatten(or.Operands) : new[] { o });

        private static string Parenthesize(string code, BoolExpr operand) =>
            operand is AndExpr || operand is OrExpr ? "(" + code + ")" : code;

        private string Join(Language.EquatableArray<BoolExpr> operands, string op, string indent, bool topLevel)
        {
            var parts = operands.Select(o => EmitBool(o, indent + "    ", topLevel: false)).ToArray();
            var multiline = topLevel || parts.Sum(p => p.Length) > 100;
            var separator = multiline ? "\n" + indent + op + " " : " " + op + " ";
            // An AND or OR that grouped into one check needs no parentheses.
            var joined = string.Join(separator, parts.Select((p, i) => (operands[i] is AndExpr || operands[i] is OrExpr) && (p.Contains("&&") || p.Contains("||")) ? "(" + p + ")" : p));
            return joined;
        }

        // ------------------------------------------------------------------ leaf checks

        private string CheckMethod(BoolExpr leaf)
        {
            if (_checkNames.TryGetValue(leaf, out var existing))
            {
                return existing;
            }

            var name = _names.Reserve(leaf is TextAnyPhraseExpr phrases ? DescribePhrases(phrases) : CheckNamer.Describe(leaf));
            _checkNames[leaf] = name;
            var body = EmitLeafBody(leaf);
            var b = new StringBuilder();
            b.Append("        /// <summary><c>").Append(CSharp.Xml(leaf is TextAnyPhraseExpr grouped ? PrintPhrases(grouped) : IrPrinter.Print(leaf))).Append("</c></summary>\n");
            b.Append("        private static bool ").Append(name).Append('(').Append(Runtime).Append(".EcsEvent e)\n");
            b.Append("        {\n").Append(body).Append("        }\n");
            _checkMethods.Add(b.ToString());
            return name;
        }

        private string EmitLeafBody(BoolExpr leaf)
        {
            const string indent = "            ";
            switch (leaf)
            {
                case EventCategoryExpr category:
                    return indent + $"return {Matching}.FieldValues.Contains(e.Event?.Category, {CSharp.String(category.Category)});\n";
                case ExistsExpr exists:
                    return indent + "return " + ExistsCode(exists.Field) + ";\n";
            }

            var fields = new List<BoundField>();
            CollectFields(leaf, fields);
            var locals = new Dictionary<string, string>();
            var b = new StringBuilder();
            var loops = 0;
            var currentIndent = indent;
            foreach (var field in fields)
            {
                var local = LocalName(field.Path, locals.Values);
                locals[field.Path] = local;
                if (!IsMultiValued(field))
                {
                    AppendSingleValuedRead(b, ref currentIndent, ref loops, field, local);
                    continue;
                }

                // A missing or empty multi-valued field is evaluated once as null, like a missing single value.
                var values = local + "Values";
                AppendValueLoop(
                    b, ref currentIndent, ref loops, local, ClrType(field.ValueKind), values, MultiValueAccess(field),
                    length: field.IsEcs ? $"({values}?.Length ?? 0)" : $"{values}.Length",
                    hasAny: field.IsEcs ? $"{values} is {{ Length: > 0 }}" : $"{values}.Length > 0");
            }

            return CloseLeafBody(b, indent, currentIndent, loops, EmitPredicate(leaf, locals));
        }

        /// <summary>Opens a loop over one field's values (<paramref name="values"/> holds them) that binds
        /// <paramref name="local"/> to each value in turn, or once to null when there is none.</summary>
        private static void AppendValueLoop(
            StringBuilder b, ref string currentIndent, ref int loops, string local, string clrType, string values, string access, string length, string hasAny)
        {
            var index = "i" + loops.ToString(CultureInfo.InvariantCulture);
            b.Append(currentIndent).Append("var ").Append(values).Append(" = ").Append(access).Append(";\n");
            b.Append(currentIndent).Append("for (var ").Append(index).Append(" = 0; ").Append(index).Append(" < global::System.Math.Max(").Append(length).Append(", 1); ").Append(index).Append("++)\n");
            b.Append(currentIndent).Append("{\n");
            currentIndent += "    ";
            b.Append(currentIndent).Append(clrType).Append("? ").Append(local).Append(" = ").Append(hasAny).Append(" ? ").Append(values).Append('[').Append(index).Append("] : null;\n");
            loops++;
        }

        /// <summary>Ends a leaf check's body: the predicate is returned directly, or, inside the value loops opened for
        /// it, any value passing it returns true.</summary>
        private static string CloseLeafBody(StringBuilder b, string indent, string currentIndent, int loops, string predicate)
        {
            if (loops == 0)
            {
                b.Append(currentIndent).Append("return ").Append(predicate).Append(";\n");
                return b.ToString();
            }

            b.Append(currentIndent).Append("if (").Append(predicate).Append(")\n");
            b.Append(currentIndent).Append("{\n").Append(currentIndent).Append("    return true;\n").Append(currentIndent).Append("}\n");
            for (var i = 0; i < loops; i++)
            {
                currentIndent = currentIndent.Substring(4);
                b.Append(currentIndent).Append("}\n");
            }

            b.Append('\n').Append(indent).Append("return false;\n");
            return b.ToString();
        }

        private static bool IsMultiValued(BoundField field) => !field.IsEcs || field.IsArray;

        /// <summary>
        /// A field ECS declares single-valued can still be given an array, and Elasticsearch indexes every value. The
        /// reader keeps the first value in the property and all of them in overflow under the field's path, and flags
        /// the event (docs/event-record.md). The leaf loops over those values when the flag is set, else reads the
        /// property once: <c>var spilled = e.Overflow.HoldsEcsValues ? all : default; for (i &lt; max(spilled.Length, 1))
        /// { var x = spilled.Length &gt; 0 ? spilled[i] : property; ... }</c>. Negation applies to the whole leaf.
        /// </summary>
        private void AppendSingleValuedRead(StringBuilder b, ref string indent, ref int loops, BoundField field, string local)
        {
            var spilled = local + "Spilled";
            var index = "i" + loops.ToString(CultureInfo.InvariantCulture);
            b.Append(indent).Append("var ").Append(spilled).Append(" = e.Overflow.HoldsEcsValues ? e.Overflow.").Append(OverflowGetter(field.ValueKind))
                .Append('(').Append(OverflowHandle(field)).Append(") : default;\n");
            b.Append(indent).Append("for (var ").Append(index).Append(" = 0; ").Append(index).Append(" < global::System.Math.Max(").Append(spilled)
                .Append(".Length, 1); ").Append(index).Append("++)\n");
            b.Append(indent).Append("{\n");
            indent += "    ";
            b.Append(indent).Append("var ").Append(local).Append(" = ").Append(spilled).Append(".Length > 0 ? ").Append(spilled).Append('[').Append(index)
                .Append("] : ").Append(EcsNaming.Accessor("e", field.Path)).Append(";\n");
            loops++;
        }

        private string MultiValueAccess(BoundField field) =>
            field.IsEcs
                ? EcsNaming.Accessor("e", field.Path)
                : $"e.Overflow.{OverflowGetter(field.ValueKind)}({OverflowHandle(field)})";

        private string ExistsCode(BoundField field)
        {
            if (field.IsEcs)
            {
                var access = EcsNaming.Accessor("e", field.Path);
                return field.IsArray ? $"{Matching}.FieldValues.HasAny({access})" : access + " is not null";
            }

            return $"e.Overflow.{OverflowGetter(field.ValueKind)}({OverflowHandle(field)}).Length > 0";
        }

        private string OverflowHandle(BoundField field)
        {
            var key = "field:" + field.Path;
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(CSharp.Identifier(field.Path) + "Field", key);
            // A user schema's null_value / date format travel with the registration (docs/rule-files.md).
            var parameters = field.NullValueJson is null && field.DateFormat is null
                ? string.Empty
                : $", {CSharp.String(field.NullValueJson)}, {CSharp.String(field.DateFormat)}";
            _staticFields.Add($"        private static readonly {Runtime}.OverflowField {name} =\n            {Runtime}.OverflowFieldRegistry.Register({CSharp.String(field.Path)}, {Runtime}.OverflowKind.{field.ValueKind}{parameters});\n");
            return name;
        }

        private string Reserve(string name, string key)
        {
            var unique = _names.Reserve(name);
            _staticFieldNames[key] = unique;
            return unique;
        }

        private static string OverflowGetter(FieldValueKind kind) => kind switch
        {
            FieldValueKind.Integer => "GetIntegers",
            FieldValueKind.Float => "GetFloats",
            FieldValueKind.Boolean => "GetBooleans",
            FieldValueKind.Date => "GetDates",
            _ => "GetStrings",
        };

        private static string ClrType(FieldValueKind kind) => kind switch
        {
            FieldValueKind.Integer => "long",
            FieldValueKind.Float => "double",
            FieldValueKind.Boolean => "bool",
            FieldValueKind.Date => "global::System.DateTimeOffset",
            _ => "string",
        };

        private static string LocalName(string path, IEnumerable<string> taken)
        {
            var pascal = CSharp.Identifier(path.Replace("@", string.Empty));
            var name = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            if (Keywords.Contains(name) || name == "e" || name.StartsWith("_", StringComparison.Ordinal))
            {
                name += "Value";
            }

            var candidate = name;
            for (var i = 2; taken.Contains(candidate); i++)
            {
                candidate = name + i;
            }

            return candidate;
        }

        private static readonly HashSet<string> Keywords = new HashSet<string>
        {
            "event", "string", "object", "int", "long", "double", "bool", "class", "base", "this", "params", "default",
            "checked", "fixed", "lock", "operator", "out", "ref", "return", "static", "switch", "case", "char", "byte",
            "in", "is", "as", "new", "null", "true", "false", "var", "value", "values", "version", "interface", "namespace",
        };

        private static void CollectFields(BoolExpr leaf, List<BoundField> fields)
        {
            void AddValue(ValueExpr? value)
            {
                switch (value)
                {
                    case FieldExpr field:
                        if (!fields.Any(f => f.Path == field.Field.Path))
                        {
                            fields.Add(field.Field);
                        }

                        break;
                    case CallExpr call:
                        foreach (var argument in call.Arguments)
                        {
                            AddValue(argument);
                        }

                        break;
                    case ArithmeticExpr arithmetic:
                        AddValue(arithmetic.Left);
                        AddValue(arithmetic.Right);
                        break;
                }
            }

            switch (leaf)
            {
                case StringMatchExpr match:
                    AddValue(match.Target);
                    break;
                case CompareExpr compare:
                    AddValue(compare.Left);
                    AddValue(compare.Right);
                    break;
                case TextMatchExpr text:
                    AddValue(new FieldExpr(text.Field));
                    break;
                case TextMatchAnyExpr any:
                    AddValue(new FieldExpr(any.Field));
                    break;
                case TextAnyPhraseExpr phrases:
                    AddValue(new FieldExpr(phrases.Field));
                    break;
                case TextTokenWildcardExpr tokenWildcard:
                    AddValue(new FieldExpr(tokenWildcard.Field));
                    break;
                case NotNullExpr notNull:
                    AddValue(notNull.Value);
                    break;
                case CidrMatchExpr cidr:
                    AddValue(cidr.Target);
                    break;
                case ValueIsTrueExpr isTrue:
                    AddValue(isTrue.Value);
                    break;
            }
        }

        // ------------------------------------------------------------------ predicates over scalar locals

        private string EmitPredicate(BoolExpr leaf, Dictionary<string, string> locals)
        {
            switch (leaf)
            {
                case StringMatchExpr match when match.Target is FieldExpr:
                    return StringMatch(match, Value(match.Target, locals));
                case StringMatchExpr match:
                    // A computed target (substring(...), string(...)) is evaluated once and null-checked by a
                    // pattern; the name cannot clash with a field local (those never start with '_').
                    return $"{Value(match.Target, locals)} is string _computed && ({StringMatch(match, "_computed")})";
                case CompareExpr compare:
                    return Compare(compare, locals);
                case TextMatchExpr text:
                    return $"{TextTermsField(text.Field, text.Tokens)}.{(text.Phrase ? "ContainsPhrase" : "ContainsAll")}({locals[text.Field.Path]})";
                case TextMatchAnyExpr any:
                    return $"{TextTermsField(any.Field, any.Tokens)}.ContainsAny({locals[any.Field.Path]})";
                case TextAnyPhraseExpr phrases:
                    return $"{TextPhrasesField(phrases)}.ContainsAny({locals[phrases.Field.Path]})";
                case CidrMatchExpr cidr:
                    return $"{Matching}.IpMatching.InAny({Value(cidr.Target, locals)}, {IpRanges(cidr)})";
                case TextTokenWildcardExpr tokenWildcard:
                    return string.Join(" || ", tokenWildcard.Patterns.Select(p => $"{Matching}.TextAnalysis.AnyTokenMatchesWildcard({locals[tokenWildcard.Field.Path]}, {CSharp.String(p)})"));
                case NotNullExpr notNull:
                    return Value(notNull.Value, locals) + " is not null";
                case ValueIsTrueExpr isTrue:
                    return Value(isTrue.Value, locals) + " == true";
                case ConstantExpr constant:
                    return CSharp.Bool(constant.Value);
                default:
                    throw new InvalidOperationException("No emitter for IR node " + leaf.GetType().Name);
            }
        }

        private string StringMatch(StringMatchExpr match, string target)
        {
            if (!match.CaseInsensitive && match.Kind != StringMatchKind.Regex && match.Target is FieldExpr { Field.LowercaseNormalized: true })
            {
                // Elasticsearch normalizes the query's terms with the field's normalizer too: compare ignoring case.
                match = match with { CaseInsensitive = true };
            }

            var comparison = match.CaseInsensitive ? "global::System.StringComparison.OrdinalIgnoreCase" : "global::System.StringComparison.Ordinal";
            var patterns = match.Patterns;
            switch (match.Kind)
            {
                case StringMatchKind.Equals when patterns.Count <= 3 && !match.CaseInsensitive:
                    // String == is ordinal: the exact, case-sensitive comparison of keyword fields.
                    return string.Join(" || ", patterns.Select(p => $"{target} == {CSharp.String(p)}"));
                case StringMatchKind.Equals when patterns.Count <= 3:
                    return string.Join(" || ", patterns.Select(p => IgnoreCaseEquals(target, p)));
                case StringMatchKind.Equals:
                    return $"{target} is not null && {ValueSet(match)}.Contains({target})";
                case StringMatchKind.Wildcard:
                    return $"{WildcardField(match)}.IsMatch({target})";
                case StringMatchKind.Regex:
                    return $"{target} is not null && ({string.Join(" || ", patterns.Select(p => RegexField(p, match.CaseInsensitive) + ".IsMatch(" + target + ")"))})";
                default:
                    var method = match.Kind == StringMatchKind.StartsWith ? "StartsWith" : match.Kind == StringMatchKind.EndsWith ? "EndsWith" : "Contains";
                    return $"{target} is not null && ({string.Join(" || ", patterns.Select(p => $"{target}.{method}({CSharp.String(p)}, {comparison})"))})";
            }
        }

        /// <summary>An ordinal ignore-case equality with a literal: by the ASCII path when the literal is ASCII (exact,
        /// see runtime Matching/AsciiCase), else the general comparison.</summary>
        private static string IgnoreCaseEquals(string target, string literal) =>
            IsAscii(literal)
                ? $"{Matching}.AsciiCase.EqualsIgnoreCase({target}, {CSharp.String(literal)})"
                : $"string.Equals({target}, {CSharp.String(literal)}, global::System.StringComparison.OrdinalIgnoreCase)";

        private static bool IsAscii(string text) => text.All(c => c < 0x80);

        private string ValueSet(StringMatchExpr match)
        {
            var key = "set:" + match.CaseInsensitive + ":" + string.Join("\u0001", match.Patterns);
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(SubjectName(match.Target) + "Values", key);
            _staticFields.Add($"        private static readonly global::System.Collections.Frozen.FrozenSet<string> {name} = {Matching}.StringSets.Create(\n            ignoreCase: {CSharp.Bool(match.CaseInsensitive)},\n{PatternLines(match.Patterns)});\n");
            return name;
        }

        private string WildcardField(StringMatchExpr match)
        {
            var key = "wildcard:" + match.CaseInsensitive + ":" + string.Join("\u0001", match.Patterns);
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            if (match.Patterns.Count == 1)
            {
                name = Reserve(SubjectName(match.Target) + "Pattern", key);
                _staticFields.Add($"        private static readonly {Matching}.WildcardPattern {name} = new {Matching}.WildcardPattern({CSharp.String(match.Patterns[0])}, ignoreCase: {CSharp.Bool(match.CaseInsensitive)});\n");
            }
            else
            {
                name = Reserve(SubjectName(match.Target) + "Patterns", key);
                _staticFields.Add($"        private static readonly {Matching}.WildcardSet {name} = new {Matching}.WildcardSet(\n            ignoreCase: {CSharp.Bool(match.CaseInsensitive)},\n{PatternLines(match.Patterns)});\n");
            }

            return name;
        }

        private string RegexField(string pattern, bool ignoreCase)
        {
            var key = "regex:" + ignoreCase + ":" + pattern;
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve("Regex", key);
            var options = "global::System.Text.RegularExpressions.RegexOptions.NonBacktracking | global::System.Text.RegularExpressions.RegexOptions.CultureInvariant"
                + (ignoreCase ? " | global::System.Text.RegularExpressions.RegexOptions.IgnoreCase" : string.Empty);
            _staticFields.Add($"        private static readonly global::System.Text.RegularExpressions.Regex {name} = new global::System.Text.RegularExpressions.Regex(\n            {CSharp.String(pattern)},\n            {options});\n");
            return name;
        }

        /// <summary>The analysed words of a text test, compiled once (runtime TextTerms: substring prefilter, ASCII tokenizer).</summary>
        private string TextTermsField(BoundField field, Language.EquatableArray<string> tokens)
        {
            var key = "tokens:" + field.Path + ":" + string.Join("\u0001", tokens);
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(CSharp.Identifier(field.Path) + "Words", key);
            _staticFields.Add($"        private static readonly {Matching}.TextTerms {name} = new {Matching}.TextTerms({string.Join(", ", tokens.Select(CSharp.String))});\n");
            return name;
        }

        private string IpRanges(CidrMatchExpr cidr)
        {
            var key = "cidr:" + string.Join("\u0001", cidr.Ranges);
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(SubjectName(cidr.Target) + "Ranges", key);
            var ranges = string.Join(",\n", cidr.Ranges.Select(r => $"            {Matching}.IpRange.Parse({CSharp.String(r)})"));
            _staticFields.Add($"        private static readonly {Matching}.IpRange[] {name} =\n        {{\n{ranges},\n        }};\n");
            return name;
        }

        private static string PatternLines(IEnumerable<string> patterns) =>
            string.Join(",\n", patterns.Select(p => "            " + CSharp.String(p)));

        private static string SubjectName(ValueExpr value) => value is FieldExpr field
            ? CSharp.Identifier(field.Field.Path.Replace("@", string.Empty))
            : "Computed";

        private string Compare(CompareExpr compare, Dictionary<string, string> locals)
        {
            var left = Value(compare.Left, locals);
            var right = Value(compare.Right, locals);
            var type = OperandType(compare.Left.Type, compare.Right.Type);
            if (type == "string")
            {
                var comparison = compare.CaseInsensitive ? "global::System.StringComparison.OrdinalIgnoreCase" : "global::System.StringComparison.Ordinal";
                var test = compare.Op switch
                {
                    CompareOp.Equal => $"string.Equals(_left, _right, {comparison})",
                    CompareOp.NotEqual => $"!string.Equals(_left, _right, {comparison})",
                    // A version field orders by semver precedence (Elasticsearch's version type).
                    _ when IsVersion(compare.Left) || IsVersion(compare.Right) => $"{Matching}.VersionComparison.Compare(_left, _right) {Operator(compare.Op)} 0",
                    _ => $"string.Compare(_left, _right, {comparison}) {Operator(compare.Op)} 0",
                };
                return $"{left} is string _left && {right} is string _right && {test}";
            }

            var leftTest = Guard(compare.Left, left, type, "_left");
            var rightTest = Guard(compare.Right, right, type, "_right");
            return string.Join(" && ", new[] { leftTest.Guard, rightTest.Guard, $"{leftTest.Value} {Operator(compare.Op)} {rightTest.Value}" }.Where(s => s.Length > 0));
        }

        private static bool IsVersion(ValueExpr value) => value is FieldExpr { Field.Type: FieldType.Version };

        // A literal needs no null guard (and an 'is' test on one would be a compiler warning).
        private static (string Guard, string Value) Guard(ValueExpr expr, string code, string type, string name)
        {
            if (expr is LiteralExpr)
            {
                return (string.Empty, type == "double" ? "(double)" + code : code);
            }

            var declared = ClrTypeOf(expr.Type);
            var value = type == "double" && declared == "long" ? "(double)" + name : name;
            return ($"{code} is {declared} {name}", value);
        }

        private static string OperandType(IrType left, IrType right)
        {
            if (left == IrType.String || right == IrType.String || left == IrType.Ip || right == IrType.Ip)
            {
                return "string";
            }

            if (left == IrType.Float || right == IrType.Float)
            {
                return "double";
            }

            return ClrTypeOf(left == IrType.Null ? right : left);
        }

        private static string ClrTypeOf(IrType type) => type switch
        {
            IrType.Integer => "long",
            IrType.Float => "double",
            IrType.Boolean => "bool",
            IrType.Date => "global::System.DateTimeOffset",
            _ => "string",
        };

        private static string Operator(CompareOp op) => op switch
        {
            CompareOp.Equal => "==",
            CompareOp.NotEqual => "!=",
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };

        private string Value(ValueExpr value, Dictionary<string, string> locals)
        {
            switch (value)
            {
                case FieldExpr field:
                    return locals[field.Field.Path];
                case LiteralExpr literal:
                    return literal.LiteralType switch
                    {
                        IrType.Null => "null",
                        IrType.Integer => CSharp.Long(literal.Integer),
                        IrType.Float => CSharp.Double(literal.Float),
                        IrType.Boolean => CSharp.Bool(literal.Boolean),
                        IrType.Date => DateLiteral(literal.Text ?? string.Empty),
                        _ => CSharp.String(literal.Text),
                    };
                case CallExpr call:
                    var name = CSharp.Identifier(call.Function) + (call.CaseInsensitive ? "Insensitive" : string.Empty);
                    return $"{Matching}.EqlFunctions.{name}({string.Join(", ", call.Arguments.Select(a => Argument(call, a, locals)))})";
                case ArithmeticExpr arithmetic when arithmetic.Right is null:
                    return $"{Matching}.EqlFunctions.Negate({Value(arithmetic.Left, locals)})";
                case ArithmeticExpr arithmetic:
                    return $"{Matching}.EqlFunctions.{arithmetic.Op}({Value(arithmetic.Left, locals)}, {Value(arithmetic.Right!, locals)})";
                default:
                    throw new InvalidOperationException("No emitter for IR value " + value.GetType().Name);
            }
        }

        // concat converts every argument to its string form (ES-FUNC "concat": "Returns a concatenated string of
        // provided values"; the spec's concat1 joins serial_event_id and opcode, numbers, as text).
        private string Argument(CallExpr call, ValueExpr argument, Dictionary<string, string> locals)
        {
            var code = Value(argument, locals);
            return call.Function == "concat" && argument.Type is IrType.Integer or IrType.Float or IrType.Boolean
                ? $"{Matching}.EqlFunctions.String({code})"
                : code;
        }

        private string DateLiteral(string text)
        {
            var key = "date:" + text;
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve("Date" + CSharp.Identifier(text, 24), key);
            _staticFields.Add($"        private static readonly global::System.DateTimeOffset {name} = global::System.DateTimeOffset.Parse({CSharp.String(text)}, global::System.Globalization.CultureInfo.InvariantCulture, global::System.Globalization.DateTimeStyles.AssumeUniversal);\n");
            return name;
        }

        // ------------------------------------------------------------------ metadata

        private void AppendMetadata(StringBuilder b)
        {
            const string i = "                ";
            b.Append("        private static ").Append(Runtime).Append(".RuleMetadata CreateMetadata() => new ").Append(Runtime).Append(".RuleMetadata\n");
            b.Append("        {\n");
            Property(b, i, "RuleId", CSharp.String(_rule.RuleId));
            Property(b, i, "Name", CSharp.String(_rule.Name));
            Property(b, i, "Description", CSharp.String(_rule.Description));
            Property(b, i, "Type", CSharp.String(_rule.Type));
            Property(b, i, "Language", CSharp.String(_rule.Language));
            Property(b, i, "Query", CSharp.String(_rule.Query));
            Property(b, i, "Severity", CSharp.String(_rule.Severity));
            Property(b, i, "RiskScore", _rule.RiskScore.ToString(CultureInfo.InvariantCulture));
            Property(b, i, "Tags", Strings(_rule.Tags));
            Property(b, i, "Index", Strings(_rule.Index));
            Property(b, i, "References", Strings(_rule.References));
            Property(b, i, "Author", Strings(_rule.Author));
            Property(b, i, "FalsePositives", Strings(_rule.FalsePositives));
            Property(b, i, "License", CSharp.String(_rule.License));
            Property(b, i, "Version", _rule.Version.ToString(CultureInfo.InvariantCulture));
            Property(b, i, "Interval", CSharp.String(_rule.Interval));
            Property(b, i, "From", CSharp.String(_rule.From));
            Property(b, i, "MaxSignals", _rule.MaxSignals.ToString(CultureInfo.InvariantCulture));
            Property(b, i, "TimestampOverride", CSharp.String(_rule.TimestampOverride));
            Property(b, i, "RuleNameOverride", CSharp.String(_rule.RuleNameOverride));
            Property(b, i, "BuildingBlockType", CSharp.String(_rule.BuildingBlockType));
            Property(b, i, "SourceFile", CSharp.String(_model.FilePath));
            AppendAlertingSettings(b, i);
            b.Append("            Threat = new ").Append(Runtime).Append(".ThreatMapping[]\n            {\n");
            foreach (var threat in _rule.Threat)
            {
                b.Append(i).Append("new ").Append(Runtime).Append(".ThreatMapping(\n");
                b.Append(i).Append("    ").Append(CSharp.String(threat.Framework)).Append(",\n");
                b.Append(i).Append("    ").Append(Mitre(threat.Tactic)).Append(",\n");
                b.Append(i).Append("    new ").Append(Runtime).Append(".MitreTechnique[]\n").Append(i).Append("    {\n");
                foreach (var technique in threat.Techniques)
                {
                    b.Append(i).Append("        new ").Append(Runtime).Append(".MitreTechnique(").Append(Mitre(technique.Technique)).Append(", new ").Append(Runtime).Append(".MitreEntry[]\n");
                    b.Append(i).Append("        {\n");
                    foreach (var sub in technique.Subtechniques)
                    {
                        b.Append(i).Append("            ").Append(Mitre(sub)).Append(",\n");
                    }

                    b.Append(i).Append("        }),\n");
                }

                b.Append(i).Append("    }),\n");
            }

            b.Append("            },\n");
            b.Append("        };\n");
        }

        // Settings the runtime's detector reads: mappings, suppression, new_terms and threshold; emitted only when set.
        private void AppendAlertingSettings(StringBuilder b, string i)
        {
            if (_rule.SeverityMapping.Count > 0)
            {
                Property(b, i, "SeverityMapping", "new " + Runtime + ".SeverityMappingEntry[] { " + string.Join(", ", _rule.SeverityMapping.Select(m =>
                    $"new {Runtime}.SeverityMappingEntry({CSharp.String(m.Field)}, {CSharp.String(m.Operator)}, {CSharp.String(m.Value)}, {CSharp.String(m.Severity)})")) + " }");
            }

            if (_rule.RiskScoreMapping.Count > 0)
            {
                Property(b, i, "RiskScoreMapping", "new " + Runtime + ".RiskScoreMappingEntry[] { " + string.Join(", ", _rule.RiskScoreMapping.Select(m =>
                    $"new {Runtime}.RiskScoreMappingEntry({CSharp.String(m.Field)}, {CSharp.String(m.Operator)}, {CSharp.String(m.Value)}, " +
                    (m.RiskScore is { } score ? score.ToString(CultureInfo.InvariantCulture) : "null") + ")")) + " }");
            }

            if (_rule.AlertSuppression is { } suppression)
            {
                Property(b, i, "AlertSuppression", $"new {Runtime}.AlertSuppressionSettings({Strings(suppression.GroupBy)}, {CSharp.String(suppression.Duration)}, {CSharp.String(suppression.MissingFieldsStrategy)})");
            }

            if (_rule.NewTerms is { } newTerms)
            {
                Property(b, i, "NewTerms", $"new {Runtime}.NewTermsSettings({Strings(newTerms.Value)}, {CSharp.String(newTerms.HistoryWindowStart)})");
            }

            if (_rule.Threshold is { } threshold)
            {
                var cardinality = threshold.Cardinality.Count == 0
                    ? $"global::System.Array.Empty<{Runtime}.ThresholdCardinality>()"
                    : "new " + Runtime + ".ThresholdCardinality[] { " + string.Join(", ", threshold.Cardinality.Select(c =>
                        $"new {Runtime}.ThresholdCardinality({CSharp.String(c.Field)}, {c.Value.ToString(CultureInfo.InvariantCulture)}L)")) + " }";
                Property(b, i, "Threshold", $"new {Runtime}.ThresholdSettings({Strings(threshold.Field)}, {threshold.Value.ToString(CultureInfo.InvariantCulture)}L, {cardinality})");
            }
        }

        private static string Mitre(ThreatEntry entry) =>
            $"new {Runtime}.MitreEntry({CSharp.String(entry.Id)}, {CSharp.String(entry.Name)}, {CSharp.String(entry.Reference)})";

        private static void Property(StringBuilder b, string indent, string name, string value) =>
            b.Append(indent.Substring(4)).Append(name).Append(" = ").Append(value).Append(",\n");

        private static string Strings(Language.EquatableArray<string> values) =>
            values.Count == 0 ? "global::System.Array.Empty<string>()" : "new string[] { " + string.Join(", ", values.Select(CSharp.String)) + " }";
    }
}
