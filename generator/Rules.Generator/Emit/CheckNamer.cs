using System.Collections.Generic;
using System.Linq;
using Rules.Language.Ir;

namespace Rules.Generator.Emit
{
    /// <summary>
    /// Names a leaf check after what it tests, so the generated code reads like the query:
    /// <c>HostOsTypeIsWindows</c>, <c>ProcessNameMatchesWmiPrvSeExe</c>, <c>RegistryPathMatchesOneOf48Patterns</c>.
    /// </summary>
    internal sealed class CheckNamer
    {
        private const int MaxValueLength = 32;
        private readonly HashSet<string> _used = new HashSet<string>();

        public string Reserve(string name)
        {
            var candidate = name;
            for (var i = 2; !_used.Add(candidate); i++)
            {
                candidate = name + i;
            }

            return candidate;
        }

        public static string Describe(BoolExpr leaf) => leaf switch
        {
            EventCategoryExpr category => "Is" + CSharp.Identifier(category.Category) + "Event",
            ExistsExpr exists => Field(exists.Field.Path) + "IsPresent",
            StringMatchExpr match => Subject(match.Target) + MatchVerb(match),
            CompareExpr compare => Subject(compare.Left) + CompareVerb(compare.Op) + Subject(compare.Right),
            TextMatchExpr text => Field(text.Field.Path) + (text.Phrase ? "HasPhrase" : "HasWords") + Value(string.Join(" ", text.Tokens)),
            CidrMatchExpr cidr => Subject(cidr.Target) + (cidr.Ranges.Count == 1 ? "IsIn" + Value(cidr.Ranges[0]) : $"IsInOneOf{cidr.Ranges.Count}Ranges"),
            ValueIsTrueExpr isTrue => Subject(isTrue.Value) + "IsTrue",
            TextMatchAnyExpr any => Field(any.Field.Path) + $"HasOneOf{any.Tokens.Count}Words",
            NotNullExpr notNull => Subject(notNull.Value) + "IsNotNull",
            TextTokenWildcardExpr tokenWildcard => Field(tokenWildcard.Field.Path) + (tokenWildcard.Patterns.Count == 1 ? "HasWordMatching" + Value(tokenWildcard.Patterns[0]) : $"HasWordMatchingOneOf{tokenWildcard.Patterns.Count}Patterns"),
            ConstantExpr constant => constant.Value ? "Always" : "Never",
            NestedExpr nested => "Some" + Field(nested.Path.Path) + "ObjectMatches",
            _ => "Check",
        };

        private static string MatchVerb(StringMatchExpr match)
        {
            var anyCase = match.CaseInsensitive ? "AnyCase" : string.Empty;
            if (match.Patterns.Count == 1)
            {
                var verb = match.Kind switch
                {
                    StringMatchKind.Equals => "Is",
                    StringMatchKind.Wildcard => "Matches",
                    StringMatchKind.Regex => "MatchesRegex",
                    StringMatchKind.StartsWith => "StartsWith",
                    StringMatchKind.EndsWith => "EndsWith",
                    _ => "Contains",
                };
                return verb + Value(match.Patterns[0]) + anyCase;
            }

            var plural = match.Kind switch
            {
                StringMatchKind.Equals => "IsOneOf{0}Values",
                StringMatchKind.Wildcard => "MatchesOneOf{0}Patterns",
                StringMatchKind.Regex => "MatchesOneOf{0}Regexes",
                StringMatchKind.StartsWith => "StartsWithOneOf{0}Prefixes",
                StringMatchKind.EndsWith => "EndsWithOneOf{0}Suffixes",
                _ => "ContainsOneOf{0}Values",
            };
            return string.Format(plural, match.Patterns.Count) + anyCase;
        }

        private static string CompareVerb(CompareOp op) => op switch
        {
            CompareOp.Equal => "Equals",
            CompareOp.NotEqual => "DiffersFrom",
            CompareOp.Less => "IsLessThan",
            CompareOp.LessOrEqual => "IsAtMost",
            CompareOp.Greater => "IsGreaterThan",
            _ => "IsAtLeast",
        };

        private static string Subject(ValueExpr value) => value switch
        {
            FieldExpr field => Field(field.Field.Path),
            LiteralExpr literal => literal.LiteralType switch
            {
                IrType.Null => "Null",
                IrType.Integer => literal.Integer < 0 ? "Minus" + (-literal.Integer) : literal.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                IrType.Float => "Number",
                IrType.Boolean => literal.Boolean ? "True" : "False",
                _ => Value(literal.Text ?? string.Empty),
            },
            CallExpr call => CSharp.Identifier(call.Function) + "Of" + string.Concat(call.Arguments.Take(1).Select(Subject)),
            ArithmeticExpr arithmetic => "Computed" + Subject(arithmetic.Left),
            _ => "Value",
        };

        private static string Field(string path) => CSharp.Identifier(path.Replace("@", string.Empty));

        private static string Value(string text)
        {
            var identifier = CSharp.Identifier(text, MaxValueLength);
            return identifier.StartsWith("_", System.StringComparison.Ordinal) ? "Value" + identifier.TrimStart('_') : identifier;
        }
    }
}
