using System.Globalization;
using System.Linq;
using System.Text;

namespace Rules.Language.Ir
{
    /// <summary>Prints IR as compact EQL-like text, for comments in generated code and for test assertions.</summary>
    public static class IrPrinter
    {
        public static string Print(BoolExpr expr)
        {
            var builder = new StringBuilder();
            Print(expr, builder, 0);
            return builder.ToString();
        }

        public static string Print(ValueExpr value)
        {
            var builder = new StringBuilder();
            Print(value, builder);
            return builder.ToString();
        }

        private static void Print(BoolExpr expr, StringBuilder b, int parentPrecedence)
        {
            switch (expr)
            {
                case AndExpr and:
                    Join(and.Operands, " and ", 2, parentPrecedence, b);
                    break;
                case OrExpr or:
                    Join(or.Operands, " or ", 1, parentPrecedence, b);
                    break;
                case NotExpr not:
                    b.Append("not ");
                    Print(not.Operand, b, 3);
                    break;
                case ConstantExpr constant:
                    b.Append(constant.Value ? "true" : "false");
                    break;
                case EventCategoryExpr category:
                    b.Append("event.category == ").Append(Quote(category.Category));
                    break;
                case ExistsExpr exists:
                    b.Append(exists.Field.Path).Append(" != null");
                    break;
                case StringMatchExpr match:
                    Print(match.Target, b);
                    b.Append(' ').Append(MatchOperator(match)).Append(' ');
                    PrintList(match.Patterns.Select(Quote).ToArray(), b);
                    break;
                case CompareExpr compare:
                    Print(compare.Left, b);
                    b.Append(' ').Append(CompareOperator(compare.Op)).Append(compare.CaseInsensitive ? "~ " : " ");
                    Print(compare.Right, b);
                    break;
                case TextMatchExpr text:
                    b.Append(text.Field.Path).Append(text.Phrase ? " has phrase " : " has all words ");
                    PrintList(text.Tokens.Select(Quote).ToArray(), b);
                    break;
                case CidrMatchExpr cidr:
                    b.Append("cidrMatch(");
                    Print(cidr.Target, b);
                    foreach (var range in cidr.Ranges)
                    {
                        b.Append(", ").Append(Quote(range));
                    }

                    b.Append(')');
                    break;
                case ValueIsTrueExpr isTrue:
                    Print(isTrue.Value, b);
                    break;
                case NotNullExpr notNull:
                    Print(notNull.Value, b);
                    b.Append(" != null");
                    break;
                case TextMatchAnyExpr any:
                    b.Append(any.Field.Path).Append(" has any word of ");
                    PrintList(any.Tokens.Select(Quote).ToArray(), b);
                    break;
                case NestedExpr nested:
                    b.Append(nested.Path.Path).Append(":{ ");
                    Print(nested.Condition, b, 0);
                    b.Append(" }");
                    break;
                case TextTokenWildcardExpr tokenWildcard:
                    b.Append(tokenWildcard.Field.Path).Append(" has a word like ");
                    PrintList(tokenWildcard.Patterns.Select(Quote).ToArray(), b);
                    break;
                default:
                    b.Append(expr.GetType().Name);
                    break;
            }
        }

        private static void Join(EquatableArray<BoolExpr> operands, string separator, int precedence, int parentPrecedence, StringBuilder b)
        {
            if (precedence < parentPrecedence)
            {
                b.Append('(');
            }

            for (var i = 0; i < operands.Count; i++)
            {
                if (i > 0)
                {
                    b.Append(separator);
                }

                Print(operands[i], b, precedence);
            }

            if (precedence < parentPrecedence)
            {
                b.Append(')');
            }
        }

        private static void PrintList(string[] items, StringBuilder b)
        {
            if (items.Length == 1)
            {
                b.Append(items[0]);
                return;
            }

            b.Append('(').Append(string.Join(", ", items)).Append(')');
        }

        private static void Print(ValueExpr value, StringBuilder b)
        {
            switch (value)
            {
                case FieldExpr field:
                    b.Append(field.Field.IsOptional ? "?" : string.Empty).Append(field.Field.Path);
                    break;
                case LiteralExpr literal:
                    b.Append(literal.LiteralType switch
                    {
                        IrType.Null => "null",
                        IrType.Integer => literal.Integer.ToString(CultureInfo.InvariantCulture),
                        IrType.Float => literal.Float.ToString("R", CultureInfo.InvariantCulture),
                        IrType.Boolean => literal.Boolean ? "true" : "false",
                        _ => Quote(literal.Text ?? string.Empty),
                    });
                    break;
                case CallExpr call:
                    b.Append(call.Function).Append(call.CaseInsensitive ? "~(" : "(");
                    for (var i = 0; i < call.Arguments.Count; i++)
                    {
                        if (i > 0)
                        {
                            b.Append(", ");
                        }

                        Print(call.Arguments[i], b);
                    }

                    b.Append(')');
                    break;
                case ArithmeticExpr arithmetic when arithmetic.Right is null:
                    b.Append('-');
                    Print(arithmetic.Left, b);
                    break;
                case ArithmeticExpr arithmetic:
                    b.Append('(');
                    Print(arithmetic.Left, b);
                    b.Append(arithmetic.Op switch
                    {
                        ArithmeticOp.Add => " + ",
                        ArithmeticOp.Subtract => " - ",
                        ArithmeticOp.Multiply => " * ",
                        ArithmeticOp.Divide => " / ",
                        _ => " % ",
                    });
                    Print(arithmetic.Right!, b);
                    b.Append(')');
                    break;
                default:
                    b.Append(value.GetType().Name);
                    break;
            }
        }

        private static string MatchOperator(StringMatchExpr match) => match.Kind switch
        {
            StringMatchKind.Equals => match.CaseInsensitive ? "==~" : "==",
            StringMatchKind.Wildcard => match.CaseInsensitive ? "like~" : "like",
            StringMatchKind.Regex => match.CaseInsensitive ? "regex~" : "regex",
            StringMatchKind.StartsWith => match.CaseInsensitive ? "starts with~" : "starts with",
            StringMatchKind.EndsWith => match.CaseInsensitive ? "ends with~" : "ends with",
            _ => match.CaseInsensitive ? "contains~" : "contains",
        };

        private static string CompareOperator(CompareOp op) => op switch
        {
            CompareOp.Equal => "==",
            CompareOp.NotEqual => "!=",
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };

        public static string Quote(string value)
        {
            var b = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': b.Append("\\\\"); break;
                    case '"': b.Append("\\\""); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default: b.Append(c); break;
                }
            }

            return b.Append('"').ToString();
        }
    }
}
