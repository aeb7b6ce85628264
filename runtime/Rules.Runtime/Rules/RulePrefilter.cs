using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>How the engine reads a field's values (strings; or integers, for exact values of a single-valued ECS
/// integer field), exactly as the rule's generated matcher reads them.</summary>
public sealed class PrefilterField
{
    private PrefilterField(string path, Func<EcsEvent, string?>? single, Func<EcsEvent, string?[]?>? array, OverflowField? overflow,
        Func<EcsEvent, bool>? hasValue = null, string? root = null, Func<EcsEvent, bool>? hasRoot = null)
    {
        Path = path;
        Root = hasRoot is null ? null : root;
        HasRoot = root is null ? null : hasRoot;
        HasValue = hasValue;
        ReadSingle = single;
        ReadArray = array;
        Overflow = overflow;
        if (single is not null)
        {
            // Where a document gave an array for this single-valued field, overflow holds every value (the
            // generated matchers read them there too: docs/event-record.md).
            SpilledValues = OverflowFieldRegistry.Register(path, OverflowKind.String);
        }
    }

    public string Path { get; }

    /// <summary>For an ECS field under an object (<c>dll</c> for <c>dll.name</c>): the object's path, and the
    /// generated test that the event has it. Without the object the field has no value: the engine tests the object
    /// once for all its indexed fields.</summary>
    public string? Root { get; }

    /// <summary>See <see cref="Root"/>.</summary>
    public Func<EcsEvent, bool>? HasRoot { get; }

    /// <summary>A single-valued ECS field's generated accessor.</summary>
    public Func<EcsEvent, string?>? ReadSingle { get; }

    /// <summary>For a single-valued ECS field: where its values are when the document gave an array for it.</summary>
    public OverflowField? SpilledValues { get; }

    /// <summary>An array ECS field's generated accessor.</summary>
    public Func<EcsEvent, string?[]?>? ReadArray { get; }

    /// <summary>A non-ECS field's overflow handle.</summary>
    public OverflowField? Overflow { get; }

    /// <summary>For a field read only for its presence (any kind): the generated exists test.</summary>
    public Func<EcsEvent, bool>? HasValue { get; }

    public static PrefilterField Single(string path, Func<EcsEvent, string?> read, string? root = null, Func<EcsEvent, bool>? hasRoot = null) =>
        new(path, read, null, null, null, root, hasRoot);

    public static PrefilterField Array(string path, Func<EcsEvent, string?[]?> read, string? root = null, Func<EcsEvent, bool>? hasRoot = null) =>
        new(path, null, read, null, null, root, hasRoot);

    public static PrefilterField NonEcs(OverflowField field) => new(field.Path, null, null, field);

    /// <summary>A single-valued ECS integer field (destination.port, process.parent.pid): indexed by exact values only.</summary>
    public static PrefilterField Integer(string path, Func<EcsEvent, long?> read, string? root = null, Func<EcsEvent, bool>? hasRoot = null) =>
        new(path, null, null, null, null, root, hasRoot) { ReadInteger = read, SpilledIntegers = OverflowFieldRegistry.Register(path, OverflowKind.Integer) };

    /// <summary>A single-valued ECS integer field's generated accessor (see <see cref="Integer"/>).</summary>
    public Func<EcsEvent, long?>? ReadInteger { get; private init; }

    /// <summary>For an integer field: where its values are when the document gave an array for it.</summary>
    public OverflowField? SpilledIntegers { get; private init; }

    public static PrefilterField Presence(string path, Func<EcsEvent, bool> hasValue, string? root = null, Func<EcsEvent, bool>? hasRoot = null) =>
        new(path, null, null, null, hasValue, root, hasRoot);

    public PrefilterAtom Exact(string literal) => new(this, PrefilterAtomKind.Exact, literal, 0);

    /// <summary>An exact value of an integer field.</summary>
    public PrefilterAtom Exact(long literal) => ReadInteger is not null
        ? new(this, PrefilterAtomKind.Exact, literal.ToString(System.Globalization.CultureInfo.InvariantCulture), 0)
        : throw new InvalidOperationException($"'{Path}' is read as strings: an integer exact value needs an integer field.");

    public PrefilterAtom Prefix(string literal, int offset = 0) => ReadInteger is null
        ? new(this, PrefilterAtomKind.Prefix, literal, offset)
        : throw IntegerOnlyExact();

    private InvalidOperationException IntegerOnlyExact() => new($"'{Path}' is an integer field: it is indexed by exact values only.");

    public PrefilterAtom Suffix(string literal) => ReadInteger is null ? new(this, PrefilterAtomKind.Suffix, literal, 0) : throw IntegerOnlyExact();

    public PrefilterAtom Contains(string literal) => ReadInteger is null ? new(this, PrefilterAtomKind.Contains, literal, 0) : throw IntegerOnlyExact();

    public PrefilterAtom Exists() => HasValue is null
        ? throw new InvalidOperationException($"'{Path}' is read for its values: an exists atom needs a presence reader.")
        : new(this, PrefilterAtomKind.Exists, string.Empty, 0);

    public override string ToString() => Path;
}

/// <summary>What an atom asks of one value of its field, always ignoring case (<see cref="CaseFolding"/>).</summary>
public enum PrefilterAtomKind
{
    /// <summary>The whole value equals the literal.</summary>
    Exact,
    /// <summary>The value holds the literal after <see cref="PrefilterAtom.Offset"/> characters.</summary>
    Prefix,
    /// <summary>The value ends with the literal.</summary>
    Suffix,
    /// <summary>The value contains the literal.</summary>
    Contains,
    /// <summary>The field has a value (<see cref="PrefilterField.HasValue"/>); no literal.</summary>
    Exists,
}

/// <summary>One necessary test on one value of a string field (generated from the rule's condition).</summary>
public sealed record PrefilterAtom(PrefilterField Field, PrefilterAtomKind Kind, string Literal, int Offset)
{
    /// <summary>The atom on one value, the reference semantics the engine's index implements.</summary>
    public bool IsMatch(string? value)
    {
        if (value is null)
        {
            return false;
        }

        return Kind switch
        {
            PrefilterAtomKind.Exact => string.Equals(value, Literal, StringComparison.OrdinalIgnoreCase),
            PrefilterAtomKind.Prefix => value.Length >= Offset + Literal.Length && CaseFolding.EqualsFolded(value.AsSpan(Offset, Literal.Length), Literal),
            PrefilterAtomKind.Exists => true,
            PrefilterAtomKind.Suffix => value.Length >= Literal.Length && CaseFolding.EqualsFolded(value.AsSpan(value.Length - Literal.Length), Literal),
            _ => CaseFolding.IndexOfFolded(value, Literal) >= 0,
        };
    }

    /// <summary>The exact atom of an integer field on one value (the literal is the integer's invariant text).</summary>
    public bool IsMatch(long? value) => value is { } number && Kind == PrefilterAtomKind.Exact && IntegerLiteral == number;

    /// <summary>The literal of an exact atom on an integer field.</summary>
    internal long IntegerLiteral => long.Parse(Literal, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{Field.Path} {Kind} \"{Literal}\"{(Offset > 0 ? " at " + Offset : string.Empty)}";
}

/// <summary>
/// A necessary condition of a rule, chosen at build time (generator: Optimization/PrefilterSelection): a conjunction of
/// conditions, each a disjunction of atoms - the rule can only match an event where, for every condition, some value of
/// some atom's field passes the atom. The engine indexes rules by their atoms so an event meets only the rules its
/// values select in every condition; the rule's own condition always decides (docs/architecture.md, "Dispatch").
/// </summary>
public sealed class RulePrefilter
{
    /// <summary>One condition: some atom must pass.</summary>
    public RulePrefilter(params PrefilterAtom[] atoms)
        : this(new[] { atoms })
    {
    }

    private RulePrefilter(PrefilterAtom[][] conditions)
    {
        if (conditions.Length == 0)
        {
            throw new ArgumentException("A prefilter needs at least one condition.", nameof(conditions));
        }

        foreach (var condition in conditions)
        {
            if (condition.Length == 0)
            {
                throw new ArgumentException("A prefilter condition needs at least one atom.", nameof(conditions));
            }
        }

        Conditions = conditions;
        var atoms = new List<PrefilterAtom>();
        foreach (var condition in conditions)
        {
            atoms.AddRange(condition);
        }

        Atoms = atoms;
    }

    /// <summary>Several conditions, all necessary (each one a disjunction of atoms); the first is the most selective.</summary>
    public static RulePrefilter AllOf(params PrefilterAtom[][] conditions) => new(conditions);

    /// <summary>The conditions, all necessary; within one, some atom must pass.</summary>
    public IReadOnlyList<IReadOnlyList<PrefilterAtom>> Conditions { get; }

    /// <summary>Every atom of every condition.</summary>
    public IReadOnlyList<PrefilterAtom> Atoms { get; }

    /// <summary>The reference semantics: in every condition, some value of some atom's field passes the atom (tests use it).</summary>
    public bool Admits(EcsEvent e)
    {
        foreach (var condition in Conditions)
        {
            if (!Admits(condition, e))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Admits(IReadOnlyList<PrefilterAtom> condition, EcsEvent e)
    {
        foreach (var atom in condition)
        {
            if (atom.Kind == PrefilterAtomKind.Exists ? atom.Field.HasValue!(e) : AnyValuePasses(atom, e))
            {
                return true;
            }
        }

        return false;
    }

    // The field's values as the generated matcher reads them: for a single-valued ECS field, every value a document
    // gave as an array (spilled to overflow) or else the property; an array field's elements; a non-ECS field's values.
    private static bool AnyValuePasses(PrefilterAtom atom, EcsEvent e)
    {
        var field = atom.Field;
        var spills = e.Overflow.HoldsEcsValues;
        if (field.ReadInteger is { } integer)
        {
            var spilled = spills ? e.Overflow.GetIntegers(field.SpilledIntegers!.Value) : default;
            return spilled.IsEmpty ? atom.IsMatch(integer(e)) : AnyPasses(atom, spilled);
        }

        if (field.ReadSingle is { } single)
        {
            var spilled = spills ? e.Overflow.GetStrings(field.SpilledValues!.Value) : default;
            return spilled.IsEmpty ? atom.IsMatch(single(e)) : AnyPasses(atom, spilled!);
        }

        return field.ReadArray is { } array
            ? AnyPasses(atom, array(e))
            : AnyPasses(atom, e.Overflow.GetStrings(field.Overflow!.Value)!);
    }

    private static bool AnyPasses(PrefilterAtom atom, ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (atom.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyPasses(PrefilterAtom atom, ReadOnlySpan<long> values)
    {
        foreach (var value in values)
        {
            if (atom.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }
}
