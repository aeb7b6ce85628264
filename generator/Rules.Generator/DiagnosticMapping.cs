using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rules.Language.Diagnostics;

namespace Rules.Generator
{
    /// <summary>Turns language-core diagnostics into Roslyn diagnostics located in the rule file.</summary>
    internal static class DiagnosticMapping
    {
        private static readonly ConcurrentDictionary<string, Microsoft.CodeAnalysis.DiagnosticDescriptor> Descriptors =
            new ConcurrentDictionary<string, Microsoft.CodeAnalysis.DiagnosticDescriptor>();

        public static Diagnostic ToRoslyn(RuleDiagnostic diagnostic)
        {
            var descriptor = Descriptors.GetOrAdd(diagnostic.Id, _ => new Microsoft.CodeAnalysis.DiagnosticDescriptor(
                diagnostic.Id,
                diagnostic.Descriptor.Title,
                "{0}",
                diagnostic.Descriptor.Category,
                diagnostic.Severity switch
                {
                    RuleDiagnosticSeverity.Error => DiagnosticSeverity.Error,
                    RuleDiagnosticSeverity.Warning => DiagnosticSeverity.Warning,
                    _ => DiagnosticSeverity.Info,
                },
                isEnabledByDefault: true,
                helpLinkUri: "docs/diagnostics.md#" + diagnostic.Id.ToLowerInvariant()));

            var location = diagnostic.Location;
            var roslynLocation = Location.Create(
                location.Path,
                new TextSpan(location.Span.Start, location.Span.Length),
                new LinePositionSpan(
                    new LinePosition(location.Start.Line, location.Start.Character),
                    new LinePosition(location.End.Line, location.End.Character)));
            return Diagnostic.Create(descriptor, roslynLocation, diagnostic.Message);
        }
    }
}
