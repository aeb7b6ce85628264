using System;

namespace Rules.Runtime.Reading;

/// <summary>
/// Per-object structure of registered nested fields (<see cref="NestedPathRegistry"/>): when an object starts at such a
/// path, the current value count of each registered member is its start; when it ends, the count is its end. The
/// values themselves go to the flattened leaves as before (docs/event-record.md "Nested objects").
/// </summary>
internal sealed partial class EventDocumentParser
{
    /// <summary>The object just opened at the current path (slot, index), or (-1, -1) when the path is not a
    /// registered nested field.</summary>
    private (int Slot, int Index) OpenNestedObject(int node)
    {
        if (NestedPathRegistry.Count == 0 || !NestedPathRegistry.TryGet(_paths[node].Path.AsSpan(), out var slot))
        {
            return (-1, -1);
        }

        var nested = _event.Nested;
        var index = nested.Open(slot, NestedPathRegistry.MembersOf(slot).Length);
        var members = NestedPathRegistry.MembersOf(slot);
        var count = nested.MembersOf(slot);
        for (var member = 0; member < count; member++)
        {
            nested.SetStart(slot, index, member, CurrentCount(members[member]));
        }

        return (slot, index);
    }

    private void CloseNestedObject((int Slot, int Index) opened)
    {
        if (opened.Slot < 0)
        {
            return;
        }

        var nested = _event.Nested;
        var members = NestedPathRegistry.MembersOf(opened.Slot);
        var count = nested.MembersOf(opened.Slot);
        for (var member = 0; member < count; member++)
        {
            nested.SetEnd(opened.Slot, opened.Index, member, CurrentCount(members[member]));
        }
    }

    /// <summary>How many values (objects, for a nested member) the member holds so far in this document: the index its
    /// next value will have in the typed array or overflow span matchers read.</summary>
    private int CurrentCount(NestedPathRegistry.Member member) => member.Kind switch
    {
        // Pending values become the typed array in order (bad values go elsewhere), so the count is the index.
        NestedPathRegistry.MemberKind.Ecs => _pending[member.Id] is { Touched: true } pending ? pending.Values.Count : 0,
        NestedPathRegistry.MemberKind.Overflow => _event.Overflow.Values(member.Id)?.Count ?? 0,
        _ => _event.Nested.Count(new NestedPath(member.Id, string.Empty)),
    };
}
