using System;
using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// All prefilter atoms of one category group's rules on one field, in one structure per kind: a hash table of exact
/// values (of integers, for an integer field), one trie of prefixes per offset, a trie of reversed suffixes, and for
/// contains-literals a vectorised multi-string search (<see cref="SearchValues{T}"/>, ordinal ignoring case, on ASCII text) whose hits a trie
/// resolves into literals.
/// <see cref="Collect"/> reads the field's values once (as the generated matchers do: single value, array elements,
/// non-ECS values) and marks every rule one of them selects. Immutable; allocates nothing per event.
/// </summary>
internal sealed class FieldPrefilterIndex
{
    private readonly PrefilterField _field;
    // The field's readers, held here: one load less per probe on the hot path.
    private readonly Func<EcsEvent, string?>? _readSingle;
    private readonly Func<EcsEvent, string?[]?>? _readArray;
    private readonly OverflowField _spilled;
    private readonly FrozenDictionary<string, RuleMarks>? _exact;
    // An integer field's exact values (its only atoms), and where its values are when a document gave an array.
    private readonly FrozenDictionary<long, RuleMarks>? _integers;
    private readonly Func<EcsEvent, long?>? _readInteger;
    private readonly OverflowField _spilledIntegers;
    // Bit n (n < 63): some exact literal has n characters; bit 63: some has 63 or more. A value of no literal's length
    // is not hashed at all (most command lines, paths and arguments against lists of names).
    private readonly ulong _exactLengths;
    private readonly int[] _prefixOffsets;
    private readonly LiteralTrie[] _prefixes;
    private readonly LiteralTrie? _suffixes;
    private readonly SearchValues<string>? _containsSearch;
    private readonly LiteralTrie? _contains;

    private FieldPrefilterIndex(PrefilterField field, FrozenDictionary<string, RuleMarks>? exact, ulong exactLengths, int[] prefixOffsets, LiteralTrie[] prefixes,
        LiteralTrie? suffixes, SearchValues<string>? containsSearch, LiteralTrie? contains, FrozenDictionary<long, RuleMarks>? integers = null)
    {
        _field = field;
        _readSingle = field.ReadSingle;
        _readArray = field.ReadArray;
        _readInteger = field.ReadInteger;
        _spilledIntegers = field.SpilledIntegers ?? default;
        _integers = integers;
        _spilled = field.SpilledValues ?? default;
        _exact = exact;
        _exactLengths = exactLengths;
        _prefixOffsets = prefixOffsets;
        _prefixes = prefixes;
        _suffixes = suffixes;
        _containsSearch = containsSearch;
        _contains = contains;
    }

    public string Path => _field.Path;

    public PrefilterField Field => _field;

    /// <summary>The overflow slot of a non-ECS field (-1 for ECS fields): its values are there or nowhere.</summary>
    public int OverflowSlot => _field.Overflow is { } overflow ? overflow.Slot : -1;

    /// <summary>Builds the index of (atom, candidate bit) pairs, all on one field.</summary>
    public static FieldPrefilterIndex Build(IReadOnlyList<(PrefilterAtom Atom, int Rule)> atoms)
    {
        var field = atoms[0].Atom.Field;
        if (field.ReadInteger is not null)
        {
            return BuildInteger(field, atoms);
        }

        var exact = new Dictionary<string, SortedSet<int>>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new SortedDictionary<int, LiteralTrie.Builder>();
        var suffixes = new LiteralTrie.Builder();
        var contains = new LiteralTrie.Builder();
        var containsLiterals = new HashSet<string>(StringComparer.Ordinal);
        var exactLengths = 0UL;
        foreach (var (atom, rule) in atoms)
        {
            if (atom.Kind != PrefilterAtomKind.Exact && atom.Literal.Length == 0)
            {
                throw new ArgumentException($"Rule prefilter atom '{atom}' has an empty literal.");
            }

            switch (atom.Kind)
            {
                case PrefilterAtomKind.Exact:
                    if (!exact.TryGetValue(atom.Literal, out var rules))
                    {
                        exact[atom.Literal] = rules = new SortedSet<int>();
                    }

                    rules.Add(rule);
                    exactLengths |= LengthBit(atom.Literal.Length);
                    break;
                case PrefilterAtomKind.Prefix:
                    if (!prefixes.TryGetValue(atom.Offset, out var trie))
                    {
                        prefixes[atom.Offset] = trie = new LiteralTrie.Builder();
                    }

                    trie.Add(atom.Literal, reversed: false, rule);
                    break;
                case PrefilterAtomKind.Suffix:
                    suffixes.Add(atom.Literal, reversed: true, rule);
                    break;
                default:
                    contains.Add(atom.Literal, reversed: false, rule);
                    containsLiterals.Add(CaseFolding.Fold(atom.Literal));
                    break;
            }
        }

        return new FieldPrefilterIndex(
            field,
            exact.Count == 0 ? null : exact.ToFrozenDictionary(p => p.Key, p => RuleMarks.Create(p.Value), StringComparer.OrdinalIgnoreCase),
            exactLengths,
            prefixes.Keys.ToArray(),
            prefixes.Values.Select(b => b.Build()).ToArray(),
            suffixes.IsEmpty ? null : suffixes.Build(),
            containsLiterals.Count == 0 ? null : SearchValues.Create(containsLiterals.ToArray(), StringComparison.OrdinalIgnoreCase),
            contains.IsEmpty ? null : contains.Build());
    }

    private static FieldPrefilterIndex BuildInteger(PrefilterField field, IReadOnlyList<(PrefilterAtom Atom, int Rule)> atoms)
    {
        var exact = new Dictionary<long, SortedSet<int>>();
        foreach (var (atom, rule) in atoms)
        {
            if (atom.Kind != PrefilterAtomKind.Exact || atom.Field.ReadInteger is null)
            {
                throw new ArgumentException($"Rule prefilter atom '{atom}' is not an exact value of the integer field '{field.Path}'.");
            }

            if (!exact.TryGetValue(atom.IntegerLiteral, out var rules))
            {
                exact[atom.IntegerLiteral] = rules = new SortedSet<int>();
            }

            rules.Add(rule);
        }

        return new FieldPrefilterIndex(field, null, 0, Array.Empty<int>(), Array.Empty<LiteralTrie>(), null, null, null,
            exact.ToFrozenDictionary(p => p.Key, p => RuleMarks.Create(p.Value)));
    }

    /// <summary>Marks in <paramref name="candidates"/> every rule that some value of the field selects.</summary>
    public void Collect(EcsEvent e, Span<ulong> candidates) => Collect(e, e.Overflow.HoldsEcsValues, candidates);

    /// <summary><see cref="Collect(EcsEvent, Span{ulong})"/> with the event's
    /// <see cref="OverflowFields.HoldsEcsValues"/> read once by the caller for all its indexes.</summary>
    public void Collect(EcsEvent e, bool holdsEcsValues, Span<ulong> candidates)
    {
        if (_readSingle is { } single)
        {
            if (holdsEcsValues && e.Overflow.GetStrings(_spilled) is { Length: > 0 } spilled)
            {
                ProbeEach(spilled, candidates);
            }
            else if (single(e) is { } value)
            {
                Probe(value, candidates);
            }
        }
        else if (_readArray is { } array)
        {
            if (array(e) is { } values)
            {
                ProbeEach(values, candidates);
            }
        }
        else if (_readInteger is { } integer)
        {
            if (holdsEcsValues && e.Overflow.GetIntegers(_spilledIntegers) is { Length: > 0 } spilled)
            {
                foreach (var value in spilled)
                {
                    ProbeInteger(value, candidates);
                }
            }
            else if (integer(e) is { } value)
            {
                ProbeInteger(value, candidates);
            }
        }
        else
        {
            ProbeEach(e.Overflow.GetStrings(_field.Overflow!.Value), candidates);
        }
    }

    private void ProbeEach(ReadOnlySpan<string?> values, Span<ulong> candidates)
    {
        foreach (var value in values)
        {
            if (value is not null)
            {
                Probe(value, candidates);
            }
        }
    }

    private void ProbeInteger(long value, Span<ulong> candidates)
    {
        if (_integers!.TryGetValue(value, out var rules))
        {
            rules.MarkInto(candidates);
        }
    }

    /// <summary>Marks the rules one value selects.</summary>
    public void Probe(string value, Span<ulong> candidates)
    {
        if ((_exactLengths & LengthBit(value.Length)) != 0 && _exact!.TryGetValue(value, out var exactRules))
        {
            exactRules.MarkInto(candidates);
        }

        for (var i = 0; i < _prefixes.Length; i++)
        {
            var offset = _prefixOffsets[i];
            if (offset < value.Length)
            {
                _prefixes[i].Walk(value, offset, candidates);
            }
        }

        _suffixes?.Walk(value, value.Length, candidates);

        if (_containsSearch is not null)
        {
            FindContained(value, candidates);
        }
    }

    // OrdinalIgnoreCase equality implies equal lengths in UTF-16 units.
    private static ulong LengthBit(int length) => 1UL << Math.Min(length, 63);

    // The vectorised search compares ordinally ignoring case, which is the fold exactly on ASCII text only; text with
    // other characters (rare in these fields) is walked from every position instead.
    private void FindContained(string value, Span<ulong> candidates)
    {
        var span = value.AsSpan();
        if (!Ascii.IsValid(span))
        {
            for (var start = 0; start < span.Length; start++)
            {
                _contains!.Walk(span, start, candidates);
            }

            return;
        }

        var position = 0;
        while (position < span.Length)
        {
            var hit = span.Slice(position).IndexOfAny(_containsSearch!);
            if (hit < 0)
            {
                break;
            }

            _contains!.Walk(span, position + hit, candidates);
            position += hit + 1;
        }
    }
}
