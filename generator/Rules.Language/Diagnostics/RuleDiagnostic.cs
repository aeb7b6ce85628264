using System;
using Rules.Language.Text;

namespace Rules.Language.Diagnostics
{
    public enum RuleDiagnosticSeverity
    {
        Info,
        Warning,
        Error,
    }

    /// <summary>A problem found in a rule file: a stable id, a message that names the problem and the fix, a location.</summary>
    public sealed class RuleDiagnostic : IEquatable<RuleDiagnostic>
    {
        public RuleDiagnostic(DiagnosticDescriptor descriptor, SourceLocation location, string message)
        {
            Descriptor = descriptor;
            Location = location;
            Message = message;
        }

        public DiagnosticDescriptor Descriptor { get; }

        public string Id => Descriptor.Id;

        public RuleDiagnosticSeverity Severity => Descriptor.Severity;

        public SourceLocation Location { get; }

        public string Message { get; }

        public bool IsError => Severity == RuleDiagnosticSeverity.Error;

        public bool Equals(RuleDiagnostic? other) =>
            other is not null && Id == other.Id && Message == other.Message && Location.Equals(other.Location);

        public override bool Equals(object? obj) => Equals(obj as RuleDiagnostic);

        public override int GetHashCode() => (Id.GetHashCode() * 397) ^ Message.GetHashCode();

        /// <summary>The compiler's format: <c>file(line,col): error ID: message</c>.</summary>
        public override string ToString() =>
            $"{Location.Path}({Location.Start}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
    }

    /// <summary>The fixed part of a diagnostic: id, title, severity and layer.</summary>
    public sealed class DiagnosticDescriptor : IEquatable<DiagnosticDescriptor>
    {
        public DiagnosticDescriptor(string id, string title, string category, RuleDiagnosticSeverity severity)
        {
            Id = id;
            Title = title;
            Category = category;
            Severity = severity;
        }

        public string Id { get; }

        public string Title { get; }

        public string Category { get; }

        public RuleDiagnosticSeverity Severity { get; }

        public RuleDiagnostic Create(SourceLocation location, string message) => new RuleDiagnostic(this, location, message);

        public RuleDiagnostic Create(SourceText source, SourceSpan span, string message) =>
            new RuleDiagnostic(this, source.GetLocation(span), message);

        public bool Equals(DiagnosticDescriptor? other) => other is not null && Id == other.Id;

        public override bool Equals(object? obj) => Equals(obj as DiagnosticDescriptor);

        public override int GetHashCode() => Id.GetHashCode();
    }
}
