using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Rules.Language.Ir;

namespace Rules.Generator.Emit
{
    /// <summary>
    /// Sequence and sample rules (<see cref="SequencePlan"/>, <see cref="SamplePlan"/>, optionally under a
    /// <see cref="PipedPlan"/>): a class deriving from Rules.Runtime.Sequences.SequenceRule with, per stage, a named
    /// predicate (category test and condition, whose leaves are the same named checks event rules get) and a key
    /// extraction. Stages are numbered as written (Stage1, Stage2 ...); the runtime's stage index counts a stage with
    /// <c>runs=N</c> N times, and the switch maps it back. docs/sequences.md.
    /// </summary>
    internal sealed partial class RuleEmitter
    {
        private const string Sequences = "global::Rules.Runtime.Sequences";

        private string EmitMultiEventFile()
        {
            var query = _model.Plan!;
            var pipes = Array.Empty<PipeStep>();
            if (query is PipedPlan piped)
            {
                query = piped.Query;
                pipes = piped.Pipes.ToArray();
            }

            string kind;
            IReadOnlyList<SequenceStage> stages;
            SequenceStage? until = null;
            long? maxSpan = null;
            switch (query)
            {
                case SequencePlan sequence:
                    kind = "Sequence";
                    stages = sequence.Stages.ToArray();
                    until = sequence.Until;
                    maxSpan = sequence.MaxSpanMilliseconds;
                    break;
                case SamplePlan sample:
                    kind = "Sample";
                    stages = sample.Stages.ToArray();
                    break;
                default:
                    // An event query with '| head' / '| tail' has no stream meaning the event rules could give it.
                    throw new InvalidOperationException($"No emitter for a {query.GetType().Name} under pipes: '| head' and '| tail' run only on sequence and sample rules.");
            }

            var keyCount = stages[0].Keys.Count;
            var stageMethods = new List<string>();
            for (var i = 0; i < stages.Count; i++)
            {
                stageMethods.Add(StageMethods(stages[i], "Stage" + (i + 1).ToString(CultureInfo.InvariantCulture), $"Stage {i + 1}{(stages[i].IsMissing ? " (missing event)" : string.Empty)}{(stages[i].Runs > 1 ? $", runs={stages[i].Runs}" : string.Empty)}"));
            }

            if (until != null)
            {
                stageMethods.Add(StageMethods(until, "Until", "Until"));
            }

            // The runtime's stage index, runs expanded, mapped to the method of the stage as written.
            var expanded = new List<int>();
            for (var i = 0; i < stages.Count; i++)
            {
                for (var run = 0; run < stages[i].Runs; run++)
                {
                    expanded.Add(i);
                }
            }

            var all = until is null ? stages : stages.Concat(new[] { until }).ToList();
            var categories = all.Any(s => s.Categories.Count == 0)
                ? new List<string>()
                : all.SelectMany(s => s.Categories).Distinct(StringComparer.Ordinal).ToList();

            var b = new StringBuilder();
            AppendFileHeader(b, "Sequences.SequenceRule");
            foreach (var field in _staticFields)
            {
                b.Append(field);
            }

            if (_staticFields.Count > 0)
            {
                b.Append('\n');
            }

            b.Append("        private ").Append(_model.ClassName).Append("()\n");
            b.Append("            : base(\n");
            b.Append("                CreateMetadata(),\n");
            b.Append("                new string[] { ").Append(string.Join(", ", categories.Select(CSharp.String))).Append(" },\n");
            b.Append("                ").Append(Sequences).Append(".SequenceRuleKind.").Append(kind).Append(",\n");
            b.Append("                keyCount: ").Append(keyCount.ToString(CultureInfo.InvariantCulture)).Append(",\n");
            b.Append("                missingStages: new bool[] { ").Append(string.Join(", ", expanded.Select(i => CSharp.Bool(stages[i].IsMissing)))).Append(" },\n");
            b.Append("                maxSpanMilliseconds: ").Append(maxSpan is null ? "null" : CSharp.Long(maxSpan.Value)).Append(",\n");
            b.Append("                hasUntil: ").Append(CSharp.Bool(until != null)).Append(",\n");
            b.Append("                pipes: ").Append(pipes.Length == 0
                ? $"global::System.Array.Empty<{Sequences}.SequencePipe>()"
                : $"new {Sequences}.SequencePipe[] {{ {string.Join(", ", pipes.Select(p => $"new {Sequences}.SequencePipe({Sequences}.SequencePipeKind.{p.Kind}, {p.Count.ToString(CultureInfo.InvariantCulture)})"))} }}")
                .Append(")\n");
            b.Append("        {\n        }\n\n");

            b.Append("        /// <inheritdoc/>\n");
            b.Append("        public override bool MatchesStage(int stage, ").Append(Runtime).Append(".EcsEvent e) => stage switch\n        {\n");
            AppendStageSwitch(b, expanded, "Matches(e)", "false");
            b.Append("        };\n\n");
            b.Append("        /// <inheritdoc/>\n");
            b.Append("        public override bool TryGetStageKeys(int stage, ").Append(Runtime).Append(".EcsEvent e, ").Append(Sequences).Append(".SequenceKeyBuffer keys) => stage switch\n        {\n");
            AppendStageSwitch(b, expanded, "Keys(e, keys)", "false");
            b.Append("        };\n");
            if (until != null)
            {
                b.Append("\n        /// <inheritdoc/>\n");
                b.Append("        public override bool MatchesUntil(").Append(Runtime).Append(".EcsEvent e) => UntilMatches(e);\n\n");
                b.Append("        /// <inheritdoc/>\n");
                b.Append("        public override bool TryGetUntilKeys(").Append(Runtime).Append(".EcsEvent e, ").Append(Sequences).Append(".SequenceKeyBuffer keys) => UntilKeys(e, keys);\n");
            }

            foreach (var method in stageMethods)
            {
                b.Append('\n').Append(method);
            }

            foreach (var method in _checkMethods)
            {
                b.Append('\n').Append(method);
            }

            b.Append('\n');
            AppendMetadata(b);
            b.Append("    }\n}\n");
            return b.ToString();
        }

        private static void AppendStageSwitch(StringBuilder b, List<int> expanded, string call, string fallback)
        {
            foreach (var group in expanded.Select((stage, index) => (stage, index)).GroupBy(x => x.stage))
            {
                b.Append("            ").Append(string.Join(" or ", group.Select(x => x.index.ToString(CultureInfo.InvariantCulture))))
                    .Append(" => Stage").Append((group.Key + 1).ToString(CultureInfo.InvariantCulture)).Append(call).Append(",\n");
            }

            b.Append("            _ => ").Append(fallback).Append(",\n");
        }

        /// <summary>The stage's predicate (<c>{name}Matches</c>) and key extraction (<c>{name}Keys</c>).</summary>
        private string StageMethods(SequenceStage stage, string name, string title)
        {
            var conditionCode = EmitCondition(stage.Condition, "                ");
            var categoryCheck = CategoryCheck(stage.Categories);
            var b = new StringBuilder();
            b.Append("        /// <summary>").Append(CSharp.Xml(title)).Append(": <c>").Append(CSharp.Xml(IrPrinter.Print(stage.Condition))).Append("</c></summary>\n");
            b.Append("        private static bool ").Append(name).Append("Matches(").Append(Runtime).Append(".EcsEvent e) =>\n");
            b.Append("            ").Append(categoryCheck is null ? string.Empty : "(" + categoryCheck + ") &&\n            ").Append('(').Append(conditionCode).Append(");\n\n");

            b.Append("        /// <summary>").Append(CSharp.Xml(title)).Append(": the join keys ")
                .Append(stage.Keys.Count == 0 ? "(none)" : CSharp.Xml(string.Join(", ", stage.Keys.Select(KeyText))))
                .Append("; false when a key that is not optional has no value.</summary>\n");
            b.Append("        private static bool ").Append(name).Append("Keys(").Append(Runtime).Append(".EcsEvent e, ").Append(Sequences).Append(".SequenceKeyBuffer keys)\n        {\n");
            for (var i = 0; i < stage.Keys.Count; i++)
            {
                AppendKey(b, stage.Keys[i], i);
            }

            b.Append("            return true;\n        }\n");
            return b.ToString();
        }

        private static string KeyText(ValueExpr key) => key switch
        {
            FieldExpr field => (field.Field.IsOptional ? "?" : string.Empty) + field.Field.Path,
            LiteralExpr { LiteralType: IrType.Null } => "null",
            _ => key.GetType().Name,
        };

        /// <summary>One key position: <c>if (!keys.Set(i, value, optional)) return false;</c> (a multi-valued field
        /// passes all its values; the runtime joins on each).</summary>
        private void AppendKey(StringBuilder b, ValueExpr key, int index)
        {
            var position = index.ToString(CultureInfo.InvariantCulture);
            switch (key)
            {
                case LiteralExpr { LiteralType: IrType.Null }:
                    // An optional field no schema knows: always null (docs/eql.md), and null joins null.
                    b.Append("            keys.Set(").Append(position).Append(", (string?)null, optional: true);\n");
                    return;
                case FieldExpr { Field: { IsEcs: true, IsArray: false } } single:
                    // Several values given for a single-valued field join on each, like an array field's values.
                    var optional = CSharp.Bool(single.Field.IsOptional);
                    b.Append("            {\n");
                    b.Append("                var spilled = e.Overflow.HoldsEcsValues ? e.Overflow.").Append(OverflowGetter(single.Field.ValueKind))
                        .Append('(').Append(OverflowHandle(single.Field)).Append(") : default;\n");
                    b.Append("                if (!(spilled.Length > 0 ? keys.Set(").Append(position).Append(", spilled, optional: ").Append(optional)
                        .Append(") : keys.Set(").Append(position).Append(", ").Append(EcsNamingAccessor(single.Field.Path)).Append(", optional: ").Append(optional).Append(")))\n");
                    b.Append("                {\n                    return false;\n                }\n");
                    b.Append("            }\n\n");
                    return;
                case FieldExpr field:
                    var access = field.Field.IsEcs ? EcsNamingAccessor(field.Field.Path) : $"e.Overflow.{OverflowGetter(field.Field.ValueKind)}({OverflowHandle(field.Field)})";
                    AppendSet(b, "            ", position, access, field.Field.IsOptional);
                    return;
                default:
                    // An expression over fields (a function, arithmetic): its fields as single values (the first
                    // value of a multi-valued field), then the value.
                    var fields = new List<BoundField>();
                    CollectFields(new NotNullExpr(key), fields);
                    var locals = new Dictionary<string, string>();
                    b.Append("            {\n");
                    foreach (var field in fields)
                    {
                        var local = LocalName(field.Path, locals.Values);
                        locals[field.Path] = local;
                        if (!IsMultiValued(field))
                        {
                            b.Append("                var ").Append(local).Append(" = ").Append(EcsNamingAccessor(field.Path)).Append(";\n");
                            continue;
                        }

                        var values = local + "Values";
                        var hasAny = field.IsEcs ? $"{values} is {{ Length: > 0 }}" : $"{values}.Length > 0";
                        b.Append("                var ").Append(values).Append(" = ").Append(MultiValueAccess(field)).Append(";\n");
                        b.Append("                ").Append(ClrType(field.ValueKind)).Append("? ").Append(local).Append(" = ").Append(hasAny).Append(" ? ").Append(values).Append("[0] : null;\n");
                    }

                    AppendSet(b, "                ", position, Value(key, locals), optional: false);
                    b.Append("            }\n\n");
                    return;
            }
        }

        private static void AppendSet(StringBuilder b, string indent, string position, string value, bool optional)
        {
            b.Append(indent).Append("if (!keys.Set(").Append(position).Append(", ").Append(value).Append(", optional: ").Append(CSharp.Bool(optional)).Append("))\n");
            b.Append(indent).Append("{\n").Append(indent).Append("    return false;\n").Append(indent).Append("}\n\n");
        }

        private static string EcsNamingAccessor(string path) => Language.Schema.EcsNaming.Accessor("e", path);
    }
}
