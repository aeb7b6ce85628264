using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Rules.Runtime;

internal static partial class EcsFieldTable
{
    private static readonly FrozenDictionary<string, int> IdsByPath = BuildIds();

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> IdsBySpan =
        IdsByPath.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The id of the ECS leaf field with this dotted path; no allocation.</summary>
    public static bool TryGetId(ReadOnlySpan<char> path, out int id) => IdsBySpan.TryGetValue(path, out id);

    public static bool TryGetId(string path, out int id) => IdsByPath.TryGetValue(path, out id);

    private static FrozenDictionary<string, int> BuildIds()
    {
        var ids = new Dictionary<string, int>(All.Length, StringComparer.Ordinal);
        for (var i = 0; i < All.Length; i++)
        {
            ids.Add(All[i].Path, i);
        }

        return ids.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
