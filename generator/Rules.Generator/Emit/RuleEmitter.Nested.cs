using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Generator.Emit
{
    /// <summary>
    /// Nested queries (<see cref="NestedExpr"/>, KQL <c>path:{ ... }</c>): a check that loops over the objects of the
    /// nested field and evaluates the inner condition on each object's own values. The record keeps every value in the
    /// flattened leaves; <c>e.Nested</c> (Rules.Runtime.NestedObjects) gives the range of each leaf's values that came
    /// from one object, so the loop slices spans and allocates nothing. A nested query inside another loops over the
    /// inner objects of the outer object being tested. docs/kql.md "Nested".
    /// </summary>
    internal sealed partial class RuleEmitter
    {
        private readonly Dictionary<(string Scope, BoolExpr Expr), string> _nestedCheckNames = new Dictionary<(string, BoolExpr), string>();

        /// <summary>The method testing "some object of the nested field satisfies the condition" on the whole event.</summary>
        private string NestedCheck(NestedExpr nested) => NestedMethod(nested, outer: null);

        /// <param name="outer">The nested field whose object <c>o</c> holds the objects tested; null: the event.</param>
        private string NestedMethod(NestedExpr nested, NestedExpr? outer)
        {
            var key = (outer?.Path.Path ?? string.Empty, (BoolExpr)nested);
            if (_nestedCheckNames.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var name = _names.Reserve(CheckNamer.Describe(nested));
            _nestedCheckNames[key] = name;
            var path = NestedPathHandle(nested.Path.Path);
            const string indent = "            ";
            var b = new StringBuilder();
            b.Append("        /// <summary><c>").Append(CSharp.Xml(IrPrinter.Print(nested))).Append("</c>: one object meets the whole condition.</summary>\n");
            b.Append("        private static bool ").Append(name).Append('(').Append(Runtime).Append(".EcsEvent e").Append(outer is null ? string.Empty : ", int outer").Append(")\n");
            b.Append("        {\n");
            if (outer is null)
            {
                b.Append(indent).Append("var first = 0;\n");
                b.Append(indent).Append("var last = e.Nested.Count(").Append(path).Append(");\n");
            }
            else
            {
                // The inner objects opened while the outer object was being read: a contiguous run of them.
                b.Append(indent).Append("var (first, last) = e.Nested.Range(").Append(NestedPathHandle(outer.Path.Path)).Append(", outer, ")
                    .Append(NestedMember(outer.Path.Path, nested.Path.Path, kind: null)).Append(");\n");
            }

            b.Append(indent).Append("for (var o = first; o < last; o++)\n");
            b.Append(indent).Append("{\n");
            b.Append(indent).Append("    if (").Append(EmitInObject(nested.Condition, nested)).Append(")\n");
            b.Append(indent).Append("    {\n");
            b.Append(indent).Append("        return true;\n");
            b.Append(indent).Append("    }\n");
            b.Append(indent).Append("}\n\n");
            b.Append(indent).Append("return false;\n");
            b.Append("        }\n");
            _checkMethods.Add(b.ToString());
            return name;
        }

        /// <summary>The condition on object <c>o</c> of <paramref name="scope"/>'s nested field.</summary>
        private string EmitInObject(BoolExpr expr, NestedExpr scope)
        {
            switch (expr)
            {
                case AndExpr and:
                    return JoinInObject(and.Operands, " && ", scope);
                case OrExpr or:
                    return JoinInObject(GroupWordTests(or.Operands), " || ", scope);
                case NotExpr not:
                    return "!" + Parenthesize(EmitInObject(not.Operand, scope), not.Operand);
                case ConstantExpr constant:
                    return CSharp.Bool(constant.Value);
                case NestedExpr inner:
                    return NestedMethod(inner, scope) + "(e, o)";
                default:
                    return ObjectCheckMethod(expr, scope) + "(e, o)";
            }
        }

        private string JoinInObject(Language.EquatableArray<BoolExpr> operands, string op, NestedExpr scope) =>
            string.Join(op, operands.Select(o => o is AndExpr || o is OrExpr ? "(" + EmitInObject(o, scope) + ")" : EmitInObject(o, scope)));

        /// <summary>A leaf check on the values one object holds: the same per-value predicate as on the event.</summary>
        private string ObjectCheckMethod(BoolExpr leaf, NestedExpr scope)
        {
            var key = (scope.Path.Path, leaf);
            if (_nestedCheckNames.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var name = _names.Reserve(CheckNamer.Describe(leaf) + "InObject");
            _nestedCheckNames[key] = name;
            var b = new StringBuilder();
            b.Append("        /// <summary><c>").Append(CSharp.Xml(IrPrinter.Print(leaf))).Append("</c> on object <c>o</c> of <c>")
                .Append(CSharp.Xml(scope.Path.Path)).Append("</c></summary>\n");
            b.Append("        private static bool ").Append(name).Append('(').Append(Runtime).Append(".EcsEvent e, int o)\n");
            b.Append("        {\n").Append(ObjectLeafBody(leaf, scope)).Append("        }\n");
            _checkMethods.Add(b.ToString());
            return name;
        }

        private string ObjectLeafBody(BoolExpr leaf, NestedExpr scope)
        {
            const string indent = "            ";
            var path = NestedPathHandle(scope.Path.Path);
            if (leaf is ExistsExpr exists)
            {
                return indent + "return " + ObjectValues(exists.Field, scope, path) + (IsMultiValued(exists.Field) ? ".Length > 0" : " is not null") + ";\n";
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
                    b.Append(currentIndent).Append("var ").Append(local).Append(" = ").Append(ObjectValues(field, scope, path)).Append(";\n");
                    continue;
                }

                // As on the event: an object without the field is evaluated once with null.
                var values = local + "Values";
                AppendValueLoop(
                    b, ref currentIndent, ref loops, local, ClrType(field.ValueKind), values, ObjectValues(field, scope, path),
                    length: $"{values}.Length", hasAny: $"{values}.Length > 0");
            }

            return CloseLeafBody(b, indent, currentIndent, loops, EmitPredicate(leaf, locals));
        }

        /// <summary>
        /// The field's values in object <c>o</c>: a span slice of the flattened values for multi-valued fields, the
        /// value or null for a single-valued ECS field. A field outside the nested path (no front end produces one)
        /// is read from the event, as elsewhere.
        /// </summary>
        private string ObjectValues(BoundField field, NestedExpr scope, string path)
        {
            if (!field.Path.StartsWith(scope.Path.Path + ".", StringComparison.Ordinal))
            {
                return IsMultiValued(field) ? $"new global::System.ReadOnlySpan<{ClrType(field.ValueKind)}>({MultiValueAccess(field)})" : EcsNaming.Accessor("e", field.Path);
            }

            var member = NestedMember(scope.Path.Path, field.Path, field.ValueKind);
            return IsMultiValued(field)
                ? $"e.Nested.Values({MultiValueAccess(field)}, {path}, o, {member})"
                : $"e.Nested.Single({EcsNaming.Accessor("e", field.Path)}, {path}, o, {member})";
        }

        /// <summary>The static handle of a nested field (NestedPathRegistry.Register), declared once per file.</summary>
        private string NestedPathHandle(string nestedPath)
        {
            var key = "nested:" + nestedPath;
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(CSharp.Identifier(nestedPath) + "Nested", key);
            _staticFields.Add($"        private static readonly {Runtime}.NestedPath {name} =\n            {Runtime}.NestedPathRegistry.Register({CSharp.String(nestedPath)});\n");
            return name;
        }

        /// <summary>The member index of a leaf (<paramref name="kind"/> set) or a deeper nested field (null) under a
        /// nested field; registering it makes the reader record its per-object ranges.</summary>
        private string NestedMember(string nestedPath, string memberPath, FieldValueKind? kind)
        {
            var key = "nested-member:" + nestedPath + ":" + memberPath;
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            var outer = NestedPathHandle(nestedPath);
            var registration = kind is { } valueKind
                ? $"{Runtime}.NestedPathRegistry.RegisterLeaf({outer}, {CSharp.String(memberPath)}, {Runtime}.OverflowKind.{valueKind})"
                : $"{Runtime}.NestedPathRegistry.RegisterNested({outer}, {NestedPathHandle(memberPath)})";
            name = Reserve(CSharp.Identifier(memberPath) + "Member", key);
            _staticFields.Add($"        private static readonly int {name} =\n            {registration};\n");
            return name;
        }
    }
}
