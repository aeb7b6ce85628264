using System;
using System.Collections.Generic;
using Rules.Generator.Model;
using Rules.Language;
using Rules.Language.Diagnostics;
using Rules.Language.Text;

namespace Rules.Generator
{
    /// <summary>
    /// Class names and rule ids must be unique in a project: the first rule (in catalog order: class name, then
    /// path) keeps them, a later one is reported (DR9002, DR2004) and gets neither a class nor a catalog entry, so the
    /// build shows one located error instead of C# errors in generated code.
    /// </summary>
    internal static class RuleConflicts
    {
        public static EquatableArray<RuleDiagnostic> Find(EquatableArray<RuleCatalogEntry> entries)
        {
            var conflicts = new List<RuleDiagnostic>();
            var classOwners = new Dictionary<string, RuleCatalogEntry>(StringComparer.Ordinal);
            var ruleIdOwners = new Dictionary<string, RuleCatalogEntry>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var rejected = false;
                if (classOwners.TryGetValue(entry.ClassName, out var classOwner))
                {
                    conflicts.Add(Conflict(DiagnosticIds.DuplicateClassName, entry,
                        $"This rule compiles to the class '{entry.ClassName}', as does '{classOwner.FilePath}'. Rule names must be unique: rename one of the rules."));
                    rejected = true;
                }

                // Elastic identifies a rule by rule_id (Kibana imports and updates rules by it), so two rules with
                // one id would be one rule there.
                if (ruleIdOwners.TryGetValue(entry.RuleId, out var ruleIdOwner))
                {
                    conflicts.Add(Conflict(DiagnosticIds.DuplicateRuleId, entry,
                        $"The rule_id '{entry.RuleId}' is also the rule_id of '{ruleIdOwner.FilePath}'. Rule ids must be unique: give one of the rules a new rule_id (a new UUID)."));
                    rejected = true;
                }

                if (!rejected)
                {
                    classOwners.Add(entry.ClassName, entry);
                    ruleIdOwners.Add(entry.RuleId, entry);
                }
            }

            return conflicts.ToEquatableArray();
        }

        /// <summary>Whether a rule file was rejected by one of the conflicts.</summary>
        public static bool IsRejected(EquatableArray<RuleDiagnostic> conflicts, string filePath)
        {
            foreach (var conflict in conflicts)
            {
                if (conflict.Location.Path == filePath)
                {
                    return true;
                }
            }

            return false;
        }

        private static RuleDiagnostic Conflict(DiagnosticDescriptor descriptor, RuleCatalogEntry entry, string message) =>
            descriptor.Create(new SourceText(entry.FilePath, string.Empty), new SourceSpan(0, 0), message);
    }
}
