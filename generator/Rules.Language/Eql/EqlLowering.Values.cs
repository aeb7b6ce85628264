using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Eql
{
    internal sealed partial class EqlLowering
    {
        // ---------------------------------------------------------------- values

        private ValueExpr? LowerValue(EqlExpr expr)
        {
            switch (expr)
            {
                case EqlLiteral literal:
                    return literal.Kind switch
                    {
                        EqlLiteralKind.Null => LiteralExpr.Null,
                        EqlLiteralKind.String => LiteralExpr.String(literal.Text!),
                        EqlLiteralKind.Integer => LiteralExpr.Int(literal.Integer),
                        EqlLiteralKind.Decimal => LiteralExpr.Double(literal.Decimal),
                        _ => LiteralExpr.Bool(literal.Boolean),
                    };
                case EqlField field:
                    return LowerField(field);
                case EqlCall call:
                    return LowerCall(call);
                case EqlArithmetic arithmetic:
                    return LowerArithmetic(arithmetic);
                default:
                    if (IsConditionSyntax(expr))
                    {
                        Unsupported(expr.Span, $"A condition cannot be used as a value here ('{Text(expr.Span)}'); only 'x == null' / 'x != null' may test a condition. Rewrite it as a condition.");
                        return null;
                    }

                    Report(DiagnosticIds.EqlSyntax, expr.Span, $"Unexpected expression '{Text(expr.Span)}'.");
                    return null;
            }
        }

        private ValueExpr? LowerField(EqlField field)
        {
            if (field.HasArrayIndex)
            {
                Unsupported(field.Span, "Array indexes ('field[0]') are not supported (Elasticsearch rejects them too). A condition on a field holds when any of its values matches.");
                return null;
            }

            if (IsNullValue(field))
            {
                return LiteralExpr.Null;
            }

            var path = field.Path;
            var start = field.Span.Start + (field.Optional ? 1 : 0);
            var bound = _binder.Bind(path, field.Optional, start, field.Span.End - start);
            return bound is null ? null : new FieldExpr(bound);
        }

        private ValueExpr? LowerArithmetic(EqlArithmetic arithmetic)
        {
            var left = LowerValue(arithmetic.Left);
            var right = arithmetic.Right is null ? null : LowerValue(arithmetic.Right);
            if (left is null || (arithmetic.Right != null && right is null))
            {
                return null;
            }

            var symbol = arithmetic.Op switch
            {
                EqlArithmeticOp.Add => "+",
                EqlArithmeticOp.Subtract => "-",
                EqlArithmeticOp.Multiply => "*",
                EqlArithmeticOp.Divide => "/",
                EqlArithmeticOp.Modulo => "%",
                _ => "-",
            };

            if (!RequireNumeric(left, arithmetic.Left.Span, $"'{symbol}'") || (right != null && !RequireNumeric(right, arithmetic.Right!.Span, $"'{symbol}'")))
            {
                return null;
            }

            if (left.Type == IrType.Null || (right != null && right.Type == IrType.Null))
            {
                return LiteralExpr.Null;
            }

            if (right is LiteralExpr divisor && (arithmetic.Op == EqlArithmeticOp.Divide || arithmetic.Op == EqlArithmeticOp.Modulo) &&
                ((divisor.Type == IrType.Integer && divisor.Integer == 0) || (divisor.Type == IrType.Float && divisor.Float == 0)))
            {
                Report(DiagnosticIds.TypeMismatch, arithmetic.Right!.Span, "Division by zero: the divisor is the constant 0.");
                return null;
            }

            var resultType = left.Type == IrType.Float || (right != null && right.Type == IrType.Float) ? IrType.Float : IrType.Integer;
            var op = arithmetic.Op switch
            {
                EqlArithmeticOp.Add => ArithmeticOp.Add,
                EqlArithmeticOp.Subtract => ArithmeticOp.Subtract,
                EqlArithmeticOp.Multiply => ArithmeticOp.Multiply,
                EqlArithmeticOp.Divide => ArithmeticOp.Divide,
                EqlArithmeticOp.Modulo => ArithmeticOp.Modulo,
                _ => ArithmeticOp.Negate,
            };
            return new ArithmeticExpr(op, left, right, resultType);
        }

        private bool RequireNumeric(ValueExpr value, SourceSpan span, string what)
        {
            if (value.Type == IrType.Integer || value.Type == IrType.Float || value.Type == IrType.Null)
            {
                return true;
            }

            Report(DiagnosticIds.TypeMismatch, span, $"{what} needs a number, but '{Text(span)}' is [{Describe(value.Type)}].");
            return false;
        }

        private ValueExpr? LowerCall(EqlCall call)
        {
            if (!EqlFunctionCatalog.TryGet(call.Name, out var signature))
            {
                Report(DiagnosticIds.EqlUnknownFunction, call.NameSpan, $"Unknown function [{call.Name}]. EQL functions: {string.Join(", ", EqlFunctionCatalog.Names)}.");
                return null;
            }

            if (call.CaseInsensitive && !signature.HasInsensitiveVariant)
            {
                Report(DiagnosticIds.EqlUnknownFunction, call.NameSpan, $"Function [{signature.Name}] has no case-insensitive variant: remove the '~' after '{call.Name}'.");
                return null;
            }

            var count = call.Arguments.Count;
            if (count < signature.MinArguments || (signature.MaxArguments >= 0 && count > signature.MaxArguments))
            {
                Report(DiagnosticIds.EqlWrongArgumentCount, call.Span, $"Function [{signature.Name}] takes {signature.ArityText} argument(s), found {count}.");
                return null;
            }

            var arguments = new List<ValueExpr>();
            var ok = true;
            var hasNull = false;
            for (var i = 0; i < count; i++)
            {
                var argument = call.Arguments[i];
                var value = LowerValue(argument);
                if (value is null)
                {
                    ok = false;
                    continue;
                }

                if (!CheckArgument(signature, i, value, argument))
                {
                    ok = false;
                    continue;
                }

                // number(s, null) uses the default base; every other null argument makes the result null.
                if (value.Type == IrType.Null && !(signature.Name == "number" && i == 1))
                {
                    hasNull = true;
                }

                arguments.Add(value);
            }

            if (!ok)
            {
                return null;
            }

            if (hasNull)
            {
                return LiteralExpr.Null;
            }

            var resultType = signature.FixedResultType
                ?? (arguments.Any(a => a.Type == IrType.Float) ? IrType.Float : IrType.Integer);
            return new CallExpr(signature.Name, arguments.ToArray(), call.CaseInsensitive, resultType);
        }

        private bool CheckArgument(EqlFunctionSignature signature, int index, ValueExpr value, EqlExpr argument)
        {
            var kind = signature.ArgumentKind(index);
            var type = value.Type;
            string? expected = null;
            switch (kind)
            {
                case EqlArgKind.String:
                    if (type != IrType.String && type != IrType.Null)
                    {
                        expected = "string";
                    }

                    break;
                case EqlArgKind.Numeric:
                    if (type != IrType.Integer && type != IrType.Float && type != IrType.Null)
                    {
                        expected = "integer or float";
                    }

                    break;
                case EqlArgKind.Integer:
                    if (type != IrType.Integer && type != IrType.Null)
                    {
                        expected = "integer";
                    }

                    break;
                case EqlArgKind.IntegerConstant:
                    if (value is not LiteralExpr || (type != IrType.Integer && type != IrType.Null))
                    {
                        expected = "integer constant";
                    }
                    else if (value is LiteralExpr { Type: IrType.Integer } radix && (radix.Integer < 2 || radix.Integer > 36))
                    {
                        Report(DiagnosticIds.TypeMismatch, argument.Span, $"The base of [{signature.Name}] must be between 2 and 36, found {radix.Integer}.");
                        return false;
                    }

                    break;
                case EqlArgKind.BooleanConstant:
                    if (value is not LiteralExpr || type != IrType.Boolean)
                    {
                        expected = "boolean constant (true or false)";
                    }

                    break;
                case EqlArgKind.Ip:
                    if (type != IrType.Ip && type != IrType.Null)
                    {
                        expected = "ip field";
                    }

                    break;
                case EqlArgKind.StringConstant:
                    if (value is LiteralExpr { Type: IrType.Null })
                    {
                        break;
                    }

                    if (value is not LiteralExpr { Type: IrType.String } cidr)
                    {
                        expected = "string constant (a CIDR block)";
                    }
                    else if (!IsValidCidr(cidr.Text!))
                    {
                        Report(DiagnosticIds.InvalidValueForFieldType, argument.Span, $"'{cidr.Text}' is not a valid CIDR block or IP address; write e.g. \"10.0.0.0/8\" or \"fe80::/10\".");
                        return false;
                    }

                    break;
                case EqlArgKind.Scalar:
                    if (type == IrType.Other)
                    {
                        expected = "scalar value";
                    }

                    break;
            }

            if (expected is null)
            {
                return true;
            }

            Report(DiagnosticIds.TypeMismatch, argument.Span, $"Argument {index + 1} of [{signature.Name}] must be {expected}, found '{Text(argument.Span)}' of type [{Describe(type)}].");
            return false;
        }
    }
}
