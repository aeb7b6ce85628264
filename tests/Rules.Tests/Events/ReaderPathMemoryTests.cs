using System.Text;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Tests.Events;

/// <summary>
/// What one reader remembers from event to event (the key that followed each key, each path's last value by its token
/// bytes, which paths take lone scalars directly) must never change what an event holds: these documents vary key
/// order, escapes, value kinds and repetition from one line to the next of the same reader.
/// </summary>
public class ReaderPathMemoryTests
{
    private static List<string> ReadWithOneReader(params string[] lines)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))));
        var written = new List<string>();
        foreach (var e in reader.ReadEvents())
        {
            written.Add(EventWriter.ToJson(e));
        }

        return written;
    }

    private static List<EcsEvent> ReadCopies(params string[] lines)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().ToList();
    }

    [Fact]
    public void Key_order_may_change_from_one_event_to_the_next()
    {
        var events = ReadCopies(
            """{"process":{"name":"a.exe","pid":1,"parent":{"name":"p.exe"}},"host":{"name":"h1"}}""",
            """{"host":{"name":"h2"},"process":{"parent":{"name":"q.exe"},"pid":2,"name":"b.exe"}}""",
            """{"process":{"pid":3,"name":"c.exe"},"user":{"name":"u"}}""",
            """{"process":{"name":"d.exe","pid":4,"parent":{"name":"r.exe"}},"host":{"name":"h1"}}""");
        Assert.Equal(new[] { "a.exe", "b.exe", "c.exe", "d.exe" }, events.Select(e => e.Process?.Name));
        Assert.Equal(new long?[] { 1, 2, 3, 4 }, events.Select(e => e.Process?.Pid));
        Assert.Equal(new[] { "p.exe", "q.exe", null, "r.exe" }, events.Select(e => e.Process?.Parent?.Name));
        Assert.Equal(new[] { "h1", "h2", null, "h1" }, events.Select(e => e.Host?.Name));
        Assert.Equal("u", events[2].User?.Name);
        Assert.Null(events[3].User);
    }

    [Fact]
    public void The_same_key_under_other_parents_is_another_path()
    {
        var events = ReadCopies(
            """{"source":{"ip":"10.0.0.1","port":1},"destination":{"ip":"10.0.0.2","port":2}}""",
            """{"destination":{"port":3,"ip":"10.0.0.3"},"source":{"port":4,"ip":"10.0.0.4"}}""");
        Assert.Equal(("10.0.0.1", 1L, "10.0.0.2", 2L), (events[0].Source?.Ip, events[0].Source?.Port, events[0].Destination?.Ip, events[0].Destination?.Port));
        Assert.Equal(("10.0.0.4", 4L, "10.0.0.3", 3L), (events[1].Source?.Ip, events[1].Source?.Port, events[1].Destination?.Ip, events[1].Destination?.Port));
    }

    [Fact]
    public void A_value_is_recognised_by_its_token_whatever_its_escapes()
    {
        var events = ReadCopies(
            """{"process":{"executable":"C:\\Windows\\cmd.exe","name":"A"}}""",
            """{"process":{"executable":"C:\\Windows\\cmd.exe","name":"\u0041"}}""",
            """{"process":{"executable":"C:\u005cWindows\u005ccmd.exe","name":"A"}}""",
            """{"process":{"executable":"C:\\Windows\\cmd.exE","name":"\u00e9"}}""",
            """{"process":{"executable":"C:\\Windows\\cmd.exE","name":"\u00e9"}}""",
            """{"process":{"executable":"C:/Windows/cmd.exe","name":"é"}}""");
        Assert.Equal(new[] { @"C:\Windows\cmd.exe", @"C:\Windows\cmd.exe", @"C:\Windows\cmd.exe", @"C:\Windows\cmd.exE", @"C:\Windows\cmd.exE", "C:/Windows/cmd.exe" },
            events.Select(e => e.Process?.Executable));
        Assert.Equal(new[] { "A", "A", "A", "é", "é", "é" }, events.Select(e => e.Process?.Name));
        // An unchanged token gives the very same string: no new string per event.
        Assert.Same(events[0].Process?.Executable, events[1].Process?.Executable);
        Assert.Same(events[3].Process?.Name, events[4].Process?.Name);
    }

    [Fact]
    public void A_number_in_a_keyword_field_and_a_string_with_the_same_text_are_the_same_value()
    {
        var events = ReadCopies(
            """{"user":{"id":1001}}""",
            """{"user":{"id":"1001"}}""",
            """{"user":{"id":1002}}""",
            """{"user":{"id":true}}""");
        Assert.Equal(new[] { "1001", "1001", "1002", "true" }, events.Select(e => e.User?.Id));
    }

    [Fact]
    public void A_value_as_long_as_the_remembered_limit_and_longer_ones_read_correctly()
    {
        var atLimit = new string('a', 128);
        var longer = new string('b', 129);
        static string Line(string commandLine) => "{\"process\":{\"command_line\":\"" + commandLine + "\"}}";
        var events = ReadCopies(Line(atLimit), Line(atLimit), Line(longer), Line(longer), Line("x"), Line(atLimit));
        Assert.Equal(new[] { atLimit, atLimit, longer, longer, "x", atLimit }, events.Select(e => e.Process?.CommandLine));
    }

    [Fact]
    public void A_repeated_key_after_a_lone_typed_value_keeps_every_value()
    {
        // The first pid goes straight into the property; the second one must stage both (property keeps the first,
        // overflow all of them), whatever kind took the direct path.
        var written = ReadWithOneReader(
            """{"process":{"pid":1,"name":"a","start":"2024-05-01T10:00:00Z","interactive":true},"process.pid":2,"process.name":"b","process.start":"2024-05-02T10:00:00Z","process.interactive":false}""",
            """{"process":{"pid":3,"name":"c","start":"2024-05-03T10:00:00Z","interactive":true}}""");
        Assert.Equal(
            """{"process":{"interactive":[true,false],"name":["a","b"],"pid":[1,2],"start":["2024-05-01T10:00:00Z","2024-05-02T10:00:00Z"]}}""",
            written[0]);
        Assert.Equal("""{"process":{"interactive":true,"name":"c","pid":3,"start":"2024-05-03T10:00:00Z"}}""", written[1]);
    }

    [Fact]
    public void Values_that_do_not_convert_still_go_to_overflow_after_typed_ones_went_in_directly()
    {
        var events = ReadCopies(
            """{"process":{"pid":1,"start":"2024-05-01T10:00:00Z"}}""",
            """{"process":{"pid":"x","start":"yesterday"}}""",
            """{"process":{"pid":1.0,"start":1714557600000}}""");
        Assert.Equal(1L, events[0].Process?.Pid);
        Assert.Null(events[1].Process?.Pid);
        Assert.Null(events[1].Process?.Start);
        Assert.Equal(2, events[1].Overflow.BadValueCount);
        Assert.Equal(1L, events[2].Process?.Pid);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), events[2].Process?.Start);
    }

    [Fact]
    public void A_multi_field_declared_between_two_events_of_one_reader_is_filled_from_then_on()
    {
        var json = """{"user":{"full_name":"Alice Smith"}}""";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json + "\n" + json + "\n")));
        using var events = reader.ReadEvents().GetEnumerator();
        Assert.True(events.MoveNext());
        Assert.Equal("Alice Smith", events.Current.User?.FullName);
        var text = OverflowFieldRegistry.Register("user.full_name.text", OverflowKind.Text);
        Assert.True(events.MoveNext());
        Assert.Equal("Alice Smith", events.Current.User?.FullName);
        Assert.Equal(new[] { "Alice Smith" }, events.Current.Overflow.GetStrings(text).ToArray());
    }
    [Theory]
    [InlineData("""{"host":{"ip":["10.0.0.1","10.0.0.2"]},"host.ip":"10.0.0.3"}""", """{"host":{"ip":["10.0.0.1","10.0.0.2","10.0.0.3"]}}""")]
    [InlineData("""{"host.ip":"10.0.0.9","host":{"ip":["10.0.0.1","10.0.0.2"]}}""", """{"host":{"ip":["10.0.0.9","10.0.0.1","10.0.0.2"]}}""")]
    [InlineData("""{"event":{"category":["process",1,"file"]}}""", """{"event":{"category":["process","1","file"]}}""")]
    [InlineData("""{"host":{"ip":["10.0.0.1",1,"10.0.0.2"]}}""", """{"host":{"ip":["10.0.0.1","10.0.0.2",1]}}""")]
    [InlineData("""{"tags":["a",["b","c"]]}""", """{"tags":["a","b","c"]}""")]
    [InlineData("""{"tags":["a",null,"b"]}""", """{"tags":["a","b"]}""")]
    [InlineData("""{"tags":["a"],"tags":["b"]}""", """{"tags":["a","b"]}""")]
    [InlineData("""{"tags":["a",{"x":1}]}""", """{"tags":["a"],"tags.x":[1]}""")]
    [InlineData("""{"tags":[]}""", """{"tags":[]}""")]
    public void String_arrays_assigned_whole_give_what_staging_gives(string json, string expected)
    {
        // Each shape after a plain array of the same field in the previous event, so the spare array is in play too.
        var written = ReadWithOneReader("""{"tags":["p","q"],"host":{"ip":["10.0.0.7"]},"event":{"category":["x","y","z"]}}""", json);
        Assert.Equal(expected, written[1]);
    }
}
