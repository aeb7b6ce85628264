namespace Rules.Language.Ir
{
    /// <summary>What a compiled query does with events. Front ends produce one; the emitter turns it into C#.</summary>
    public abstract record QueryPlan;

    /// <summary>A single-event query (EQL without sequence/sample, KQL, filters): one condition per event.
    /// <see cref="Categories"/> lists the EQL event categories the event must have (empty: any), for dispatch.</summary>
    public sealed record EventQueryPlan(EquatableArray<string> Categories, BoolExpr Condition) : QueryPlan;
}
