using Rules.Language;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Ir;

namespace Rules.Generator.Model
{
    /// <summary>
    /// Everything the emitter needs for one rule file, and nothing Roslyn: equatable, so an unchanged rule file
    /// yields an equal model and its generated file stays cached.
    /// </summary>
    internal sealed record RuleModel(
        string FilePath,
        string HintName,
        string ClassName,
        RuleDocument? Rule,
        QueryPlan? Plan,
        EquatableArray<RuleDiagnostic> Diagnostics)
    {
        public bool HasMatcher => Rule is not null && Plan is not null;
    }

    /// <summary>The part of a rule model the catalog needs: changes to a rule's query do not touch the catalog.</summary>
    internal sealed record RuleCatalogEntry(string ClassName, string RuleId, string FilePath);
}
