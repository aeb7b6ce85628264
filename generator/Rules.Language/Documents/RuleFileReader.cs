using System;
using System.Collections.Generic;
using Rules.Language.Diagnostics;
using Rules.Language.Text;
using Rules.Language.Toml;
using Rules.Language.Yaml;

namespace Rules.Language.Documents
{
    /// <summary>What reading one rule file gave: the file, the rule (null when there were errors) and the diagnostics.</summary>
    public sealed class RuleFileResult
    {
        public RuleFileResult(SourceText source, DocTable? tree, RuleDocument? rule, IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            Source = source;
            Tree = tree;
            Rule = rule;
            Diagnostics = diagnostics;
        }

        public SourceText Source { get; }

        /// <summary>The format-neutral tree of the file (null when the file itself could not be read).</summary>
        public DocTable? Tree { get; }

        /// <summary>The rule, or null when any error was reported.</summary>
        public RuleDocument? Rule { get; }

        public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

        public bool HasErrors
        {
            get
            {
                foreach (var diagnostic in Diagnostics)
                {
                    if (diagnostic.IsError)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>
    /// Reads a detection rule file in the Elastic rule schema (as elastic/detection-rules writes it: <c>[metadata]</c>,
    /// <c>[rule]</c>, <c>[transform]</c>) from TOML (<c>.toml</c>) or YAML (<c>.yml</c>, <c>.yaml</c>). See docs/rule-files.md.
    /// </summary>
    public static class RuleFileReader
    {
        public static RuleFileResult Read(string path, string text)
        {
            var source = new SourceText(path ?? string.Empty, text ?? string.Empty);
            var extension = SafeExtension(source.Path);
            DocParseResult parsed;
            if (extension == ".toml")
            {
                parsed = TomlReader.Parse(source);
            }
            else if (extension == ".yml" || extension == ".yaml")
            {
                parsed = YamlReader.Parse(source);
            }
            else
            {
                var diagnostic = DiagnosticIds.UnknownRuleFileExtension.Create(source, new SourceSpan(0, 0),
                    $"'{source.Path}' is not a rule file kind the compiler knows ('{extension}'). Name rule files *.toml, *.yml or *.yaml.");
                return new RuleFileResult(source, null, null, new[] { diagnostic });
            }

            if (parsed.Root is null)
            {
                return new RuleFileResult(source, null, null, parsed.Diagnostics);
            }

            var diagnostics = new List<RuleDiagnostic>(parsed.Diagnostics);
            var rule = RuleSchemaReader.Read(source, parsed.Root, diagnostics);
            var hasErrors = diagnostics.Exists(d => d.IsError);
            return new RuleFileResult(source, parsed.Root, hasErrors ? null : rule, diagnostics);
        }

        /// <summary>True for the extensions <see cref="Read"/> understands (.toml, .yml, .yaml), to pick rule files.</summary>
        public static bool IsRuleFile(string path)
        {
            var extension = SafeExtension(path ?? string.Empty);
            return extension == ".toml" || extension == ".yml" || extension == ".yaml";
        }

        private static string SafeExtension(string path)
        {
            var dot = path.LastIndexOf('.');
            var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return dot > slash ? path.Substring(dot).ToLowerInvariant() : string.Empty;
        }
    }
}
