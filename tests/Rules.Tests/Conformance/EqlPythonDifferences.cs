namespace Rules.Tests.Conformance;

/// <summary>Where eql-python's dialect and semantics differ from Elasticsearch's (docs/conformance.md, "eql-python").</summary>
public static class EqlPythonDifferences
{
    private const string CaseInsensitiveStrings =
        "eql-python compares strings case-insensitively (==, <, functions); Elasticsearch is case-sensitive unless ':' / '~' is used";

    private const string WildcardEquals =
        "eql-python's == expands * wildcards; Elasticsearch's == compares exactly (wildcards need ':' or like)";

    public static KnownDifferences Queries => new(differences: new(StringComparer.Ordinal)
    {
        ["#38"] = CaseInsensitiveStrings,
        ["#39"] = CaseInsensitiveStrings,
        ["#40"] = CaseInsensitiveStrings,
        ["#41"] = CaseInsensitiveStrings,
        ["#228"] = CaseInsensitiveStrings,
        ["#229"] = CaseInsensitiveStrings,
        ["#232"] = CaseInsensitiveStrings,
        ["#170"] = CaseInsensitiveStrings,
        ["#171"] = CaseInsensitiveStrings,
        ["#172"] = CaseInsensitiveStrings,
        ["#174"] = CaseInsensitiveStrings,
        ["#176"] = CaseInsensitiveStrings,
        ["#181"] = CaseInsensitiveStrings,
        ["#183"] = CaseInsensitiveStrings,
        ["#186"] = CaseInsensitiveStrings,
        ["#189"] = CaseInsensitiveStrings,
        ["#192"] = CaseInsensitiveStrings,
        ["#203"] = CaseInsensitiveStrings,
        ["#218"] = CaseInsensitiveStrings,
        ["#240"] = CaseInsensitiveStrings,
        ["#54"] = WildcardEquals,
        ["#55"] = WildcardEquals,
        ["#144"] = WildcardEquals,
        ["#145"] = WildcardEquals,
        ["#146"] = WildcardEquals,
        ["#122"] = WildcardEquals,
        ["#59"] = WildcardEquals,
        ["#61"] = WildcardEquals,
        ["#105"] = WildcardEquals,
    })
    {
        RejectedDialect = Dialect,
    };

    public static Dictionary<string, string> StringFunctionSkips => new(StringComparer.Ordinal);

    private const string BetweenNotFound =
        "between() without a match: eql-python returns null, Elasticsearch returns \"\" (ES-FUNC between: 'between(file.path, \"workspace\\\\\", \".exe\") // returns \"\"')";

    private const string NullPosition =
        "a null position: eql-python takes the default; Elasticsearch's indexOf returns null for a null start (ES-FUNC indexOf), and substring's positions are integers, not null (ES-FUNC substring); the compiler types the call as null, DR6002 against a string or number";

    public static Dictionary<string, string> StringFunctionDifferences => new(StringComparer.Ordinal)
    {
        ["between#5"] = BetweenNotFound,
        ["between#6"] = BetweenNotFound,
        ["between#9"] = BetweenNotFound,
        ["between#10"] = BetweenNotFound,
        ["between#11"] = BetweenNotFound,
        ["indexof#31"] = NullPosition,
        ["substring#87"] = NullPosition,
        ["substring#88"] = NullPosition,
        ["substring#89"] = NullPosition,
        ["substring#94"] = NullPosition,
        ["number#55"] = "number(\"-3.14\", 10): with an explicit base Elasticsearch takes an integer literal in that base (ES-FUNC number), eql-python also parses a decimal",
    };

    /// <summary>
    /// eql-python syntax and features Elasticsearch's grammar or verifier rejects, named from the compiler's
    /// diagnostic; null for anything else, which then fails the test.
    /// </summary>
    private static string? Dialect(string diagnostics)
    {
        (string Marker, string Reason)[] rules =
        {
            ("'=' is not an EQL operator", "eql-python '=' equality: Elasticsearch's grammar has only '==' and ':'"),
            ("Use double quotes", "eql-python single-quoted strings: Elasticsearch accepts only double quotes"),
            ("Use triple double quotes", "eql-python ?'raw' strings: Elasticsearch's raw strings are \"\"\"...\"\"\""),
            ("The pipe '|", "pipes other than head/tail (filter, unique, sort, count ...): Elasticsearch rejects them"),
            ("'join' is not supported", "join: Elasticsearch rejects it"),
            ("Process relationships", "descendant of / child of / event of: Elasticsearch rejects them"),
            ("Array indexes", "array indexes field[n]: Elasticsearch rejects them"),
            ("DR3002 Unknown function [", "eql-python functions Elasticsearch does not have (arrayContains, arrayCount, arraySearch, match, matchLite, safe)"),
            ("Comparing a field with another field", "field compared with a field: Elasticsearch rejects it ('Comparisons against fields are not (currently) supported')"),
            ("A field inside an 'in' list", "field compared with a field: Elasticsearch rejects it ('Comparisons against fields are not (currently) supported')"),
            ("Unknown field", "field missing from the mapping: Elasticsearch rejects the query (Unknown column), eql-python reads null"),
            ("Argument 1 of [length] must be string", "length() of a number: eql-python takes it, Elasticsearch's verifier requires a string (ES-FUNC length)"),
            ("DR3001 Expected 'and', 'or', a pipe", "eql-python syntax Elasticsearch's grammar rejects (space-separated pipe arguments, sequence 'fork=')"),
        };
        return rules.FirstOrDefault(r => diagnostics.Contains(r.Marker, StringComparison.Ordinal)).Reason;
    }
}
