using System;
using System.Collections.Generic;

namespace Rules.Language.Text
{
    /// <summary>A zero-based line and character position, as Roslyn and editors count them.</summary>
    public readonly struct LinePosition : IEquatable<LinePosition>
    {
        public LinePosition(int line, int character)
        {
            Line = line;
            Character = character;
        }

        public int Line { get; }

        public int Character { get; }

        public bool Equals(LinePosition other) => Line == other.Line && Character == other.Character;

        public override bool Equals(object? obj) => obj is LinePosition other && Equals(other);

        public override int GetHashCode() => (Line * 397) ^ Character;

        /// <summary>One-based "line,column", the form compilers print.</summary>
        public override string ToString() => $"{Line + 1},{Character + 1}";
    }

    /// <summary>A range of characters in a rule file, by offset.</summary>
    public readonly struct SourceSpan : IEquatable<SourceSpan>
    {
        public SourceSpan(int start, int length)
        {
            Start = start;
            Length = length < 0 ? 0 : length;
        }

        public int Start { get; }

        public int Length { get; }

        public int End => Start + Length;

        public static SourceSpan FromBounds(int start, int end) => new SourceSpan(start, end - start);

        public bool Equals(SourceSpan other) => Start == other.Start && Length == other.Length;

        public override bool Equals(object? obj) => obj is SourceSpan other && Equals(other);

        public override int GetHashCode() => (Start * 397) ^ Length;

        public override string ToString() => $"[{Start}..{End})";
    }

    /// <summary>The text of one rule file with its line table, to turn offsets into lines and columns.</summary>
    public sealed class SourceText
    {
        private readonly int[] _lineStarts;

        public SourceText(string path, string text)
        {
            Path = path;
            Text = text;
            var starts = new List<int> { 0 };
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }

                if (c == '\n' || c == '\r')
                {
                    starts.Add(i + 1);
                }
            }

            _lineStarts = starts.ToArray();
        }

        public string Path { get; }

        public string Text { get; }

        public int LineCount => _lineStarts.Length;

        public LinePosition GetLinePosition(int offset)
        {
            if (offset < 0)
            {
                offset = 0;
            }

            if (offset > Text.Length)
            {
                offset = Text.Length;
            }

            var line = Array.BinarySearch(_lineStarts, offset);
            if (line < 0)
            {
                line = ~line - 1;
            }

            return new LinePosition(line, offset - _lineStarts[line]);
        }

        public int GetOffset(int line, int character) => _lineStarts[line] + character;

        public SourceLocation GetLocation(SourceSpan span) =>
            new SourceLocation(Path, span, GetLinePosition(span.Start), GetLinePosition(span.End));
    }

    /// <summary>Where a diagnostic points: file, offsets, and lines and columns (zero-based).</summary>
    public readonly struct SourceLocation : IEquatable<SourceLocation>
    {
        public SourceLocation(string path, SourceSpan span, LinePosition start, LinePosition end)
        {
            Path = path;
            Span = span;
            Start = start;
            End = end;
        }

        public string Path { get; }

        public SourceSpan Span { get; }

        public LinePosition Start { get; }

        public LinePosition End { get; }

        public bool Equals(SourceLocation other) =>
            Path == other.Path && Span.Equals(other.Span) && Start.Equals(other.Start) && End.Equals(other.End);

        public override bool Equals(object? obj) => obj is SourceLocation other && Equals(other);

        public override int GetHashCode() => ((Path?.GetHashCode() ?? 0) * 397) ^ Span.GetHashCode();

        public override string ToString() => $"{Path}({Start})";
    }

    /// <summary>
    /// Maps a character index inside a string value (a query, after the file format's escapes are undone) back to an
    /// offset in the rule file, so that a query error points at the right column of the file.
    /// </summary>
    public sealed class StringSourceMap : IEquatable<StringSourceMap>
    {
        private readonly int _contentStart;
        private readonly int[]? _offsets;

        /// <summary>The value is a verbatim copy of the file from <paramref name="contentStart"/> on.</summary>
        public StringSourceMap(int contentStart)
        {
            _contentStart = contentStart;
        }

        /// <summary>The value's characters come from these file offsets, one per character (plus one past the end).</summary>
        public StringSourceMap(int[] offsets)
        {
            _offsets = offsets;
            _contentStart = offsets.Length > 0 ? offsets[0] : 0;
        }

        public int ContentStart => _contentStart;

        public int MapOffset(int indexInValue)
        {
            if (_offsets is null)
            {
                return _contentStart + indexInValue;
            }

            if (_offsets.Length == 0)
            {
                return _contentStart;
            }

            if (indexInValue < 0)
            {
                return _offsets[0];
            }

            return indexInValue < _offsets.Length ? _offsets[indexInValue] : _offsets[_offsets.Length - 1] + (indexInValue - _offsets.Length + 1);
        }

        public SourceSpan MapSpan(int start, int length)
        {
            var fileStart = MapOffset(start);
            var fileEnd = length <= 0 ? fileStart : MapOffset(start + length - 1) + 1;
            return SourceSpan.FromBounds(fileStart, Math.Max(fileStart, fileEnd));
        }

        public bool Equals(StringSourceMap? other)
        {
            if (other is null || _contentStart != other._contentStart)
            {
                return false;
            }

            if (_offsets is null || other._offsets is null)
            {
                return _offsets is null && other._offsets is null;
            }

            if (_offsets.Length != other._offsets.Length)
            {
                return false;
            }

            for (var i = 0; i < _offsets.Length; i++)
            {
                if (_offsets[i] != other._offsets[i])
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as StringSourceMap);

        public override int GetHashCode() => (_contentStart * 397) ^ (_offsets?.Length ?? -1);
    }
}
