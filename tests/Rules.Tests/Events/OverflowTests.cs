using System.Threading.Tasks;
using Rules.Runtime;

namespace Rules.Tests.Events;

public class OverflowTests
{
    [Fact]
    public void Registration_is_idempotent_and_thread_safe()
    {
        var path = "test.overflow.concurrent." + Guid.NewGuid().ToString("N");
        var fields = new OverflowField[64];
        Parallel.For(0, fields.Length, i => fields[i] = OverflowFieldRegistry.Register(path, OverflowKind.String));
        Assert.Single(fields.Select(f => f.Slot).Distinct());
        Assert.All(fields, f => Assert.Equal(path, f.Path));
        Assert.True(OverflowFieldRegistry.TryGet(path, out var found));
        Assert.Equal(fields[0].Slot, found.Slot);
    }

    [Fact]
    public void Distinct_paths_get_distinct_slots()
    {
        var a = OverflowFieldRegistry.Register("test.overflow.slot_a", OverflowKind.String);
        var b = OverflowFieldRegistry.Register("test.overflow.slot_b", OverflowKind.String);
        Assert.NotEqual(a.Slot, b.Slot);
        Assert.Equal(a, OverflowFieldRegistry.Register("test.overflow.slot_a", OverflowKind.String));
    }

    [Fact]
    public void Typed_reads_return_empty_spans_when_missing_and_single_values_as_spans_of_one()
    {
        var field = OverflowFieldRegistry.Register("test.overflow.single", OverflowKind.Integer);
        var e = new EcsEvent();
        Assert.True(e.Overflow.GetIntegers(field).IsEmpty);
        Assert.False(e.Overflow.Contains(field));
        e.Overflow.Set("test.overflow.single", 7L);
        Assert.Equal(new[] { 7L }, e.Overflow.GetIntegers(field).ToArray());
        Assert.Equal(7L, e.Overflow["test.overflow.single"]);
        e.Clear();
        Assert.True(e.Overflow.GetIntegers(field).IsEmpty);
        Assert.Null(e.Overflow["test.overflow.single"]);
    }

    [Fact]
    public void Reads_in_another_kind_convert_as_elasticsearch_coerces()
    {
        var asString = OverflowFieldRegistry.Register("test.overflow.mixed", OverflowKind.String);
        var asInteger = OverflowFieldRegistry.Register("test.overflow.mixed", OverflowKind.Integer);
        Assert.Equal(asString.Slot, asInteger.Slot);
        var e = new EcsEvent();
        e.Overflow.Set("test.overflow.mixed", "42", "x", "7.9");
        Assert.Equal(new[] { "42", "x", "7.9" }, e.Overflow.GetStrings(asString).ToArray());
        Assert.Equal(new[] { 42L, 7L }, e.Overflow.GetIntegers(asInteger).ToArray());
        Assert.Equal(new[] { 42d, 7.9 }, e.Overflow.GetFloats(asInteger).ToArray());
    }

    [Fact]
    public void Values_of_the_wrong_shape_are_kept_raw_and_counted()
    {
        var field = OverflowFieldRegistry.Register("test.overflow.bool", OverflowKind.Boolean);
        var e = new EcsEvent();
        e.Overflow.Set("test.overflow.bool", "true", "maybe");
        Assert.Equal(new[] { true }, e.Overflow.GetBooleans(field).ToArray());
        Assert.Equal(new[] { "\"maybe\"" }, e.Overflow.GetRaw(field).ToArray());
        Assert.Equal(1, e.Overflow.BadValueCount);
    }

    [Fact]
    public void Dates_read_from_strings_and_epoch_millis()
    {
        var field = OverflowFieldRegistry.Register("test.overflow.date", OverflowKind.Date);
        var e = new EcsEvent();
        e.Overflow.Set("test.overflow.date", "2024-01-01T00:00:00Z", "not a date");
        e.Overflow.Set("test.overflow.date", DateTimeOffset.UnixEpoch);
        Assert.Equal(new[] { DateTimeOffset.UnixEpoch }, e.Overflow.GetDates(field).ToArray());
    }

    [Fact]
    public void Clear_resets_typed_fields_and_nested_objects_read_as_absent()
    {
        var e = new EcsEvent { Process = new() { Name = "a", Parent = new() { Name = "b" } }, Message = "m" };
        e.Set("custom.field", "v");
        e.Clear();
        Assert.Null(e.Process);
        Assert.Null(e.Message);
        Assert.Null(e["custom.field"]);
        Assert.Equal(0, e.Overflow.Count);
        // A reused nested object comes back empty.
        e.Set("process.pid", 9L);
        Assert.Equal(9L, e.Process?.Pid);
        Assert.Null(e.Process?.Name);
        Assert.Null(e.Process?.Parent);
    }

    [Fact]
    public void Path_access_reaches_ecs_and_overflow_fields()
    {
        var e = new EcsEvent();
        e.Set("process.name", "cmd.exe");
        e.Set("process.pid", "12");
        e.Set("process.args", "a", "b");
        e.Set("event.risk_score", 2.5);
        e.Set("process.interactive", true);
        e.Set("@timestamp", "2024-01-01T00:00:00Z");
        Assert.Equal("cmd.exe", e["process.name"]);
        Assert.Equal(12L, e["process.pid"]);
        Assert.Equal(new[] { "a", "b" }, (string[])e["process.args"]!);
        Assert.Equal(2.5, e.Event?.RiskScore);
        Assert.Equal(true, e.Process?.Interactive);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.False(e.TryGet("process.title", out _));
    }
}
