using System.IO.Compression;
using System.Text;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Tests.Events;

public class EventReaderTests
{
    internal static List<string> ReadAll(string ndjson, out ReadStatistics statistics, List<BadLine>? bad = null, EventReaderOptions? options = null)
    {
        options ??= new EventReaderOptions { OnBadLine = bad is null ? null : bad.Add };
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), options);
        var lines = reader.ReadEvents().Select(EventWriter.ToJson).ToList();
        statistics = reader.Statistics;
        return lines;
    }

    internal static EcsEvent ReadOne(string json)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new EventReaderOptions { ReuseEvent = false });
        return Assert.Single(reader.ReadEvents().ToList());
    }

    [Fact]
    public void Nested_objects_fill_the_typed_record()
    {
        var e = ReadOne("""{"@timestamp":"2024-05-01T10:00:00.123Z","process":{"name":"cmd.exe","pid":42,"args":["cmd.exe","/c","whoami"],"parent":{"executable":"C:\\Windows\\explorer.exe"}},"event":{"category":["process"],"type":["start"]},"tags":["a","b"]}""");
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, 123, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("cmd.exe", e.Process?.Name);
        Assert.Equal(42L, e.Process?.Pid);
        Assert.Equal(new[] { "cmd.exe", "/c", "whoami" }, e.Process?.Args);
        Assert.Equal(@"C:\Windows\explorer.exe", e.Process?.Parent?.Executable);
        Assert.Equal(new[] { "process" }, e.Event?.Category);
        Assert.Equal(new[] { "a", "b" }, e.Tags);
        // Nothing of this document is outside ECS. The only overflow values allowed are multi-fields that other
        // tests' rules registered and the reader derives from process.name (the registry is process-wide).
        var derived = new[] { "process.name.caseless", "process.name.text", "process.parent.executable.caseless", "process.parent.executable.text" }
            .Count(path => e.Overflow.TryGet(path, out _));
        Assert.Equal(derived, e.Overflow.Count);
    }

    [Fact]
    public void Dotted_keys_and_mixed_nesting_are_the_same_fields()
    {
        var dotted = ReadOne("""{"process.name":"a.exe","process.parent.name":"b.exe","host":{"os.type":"windows"}}""");
        Assert.Equal("a.exe", dotted.Process?.Name);
        Assert.Equal("b.exe", dotted.Process?.Parent?.Name);
        Assert.Equal("windows", dotted.Host?.Os?.Type);
    }

    [Fact]
    public void Unknown_fields_are_kept_in_overflow_with_their_json_kind()
    {
        var e = ReadOne("""{"winlog":{"event_data":{"TargetUserName":"bob","LogonType":3}},"custom.flag":true,"custom.ratio":0.5}""");
        Assert.Equal("bob", e["winlog.event_data.TargetUserName"]);
        Assert.True(OverflowFieldRegistry.TryGet("winlog.event_data.TargetUserName", out var name));
        Assert.Equal(new[] { "bob" }, e.Overflow.GetStrings(name).ToArray());
        Assert.Equal(true, e["custom.flag"]);
        Assert.Equal(0.5, e["custom.ratio"]);
        var logonType = OverflowFieldRegistry.Register("winlog.event_data.LogonType", OverflowKind.Integer);
        Assert.Equal(new[] { 3L }, e.Overflow.GetIntegers(logonType).ToArray());
    }

    [Fact]
    public void A_field_registered_as_keyword_receives_numbers_as_their_text()
    {
        var field = OverflowFieldRegistry.Register("test.reader.keyword_number", OverflowKind.String);
        var e = ReadOne("""{"test":{"reader":{"keyword_number":[4624, 1.50, true]}}}""");
        Assert.Equal(new[] { "4624", "1.50", "true" }, e.Overflow.GetStrings(field).ToArray());
    }

    [Fact]
    public void Numbers_written_as_strings_are_coerced_for_numeric_fields()
    {
        var e = ReadOne("""{"process":{"pid":"4242"},"source":{"port":"443"},"event":{"severity":"7.9"}}""");
        Assert.Equal(4242L, e.Process?.Pid);
        Assert.Equal(443L, e.Source?.Port);
        Assert.Equal(7L, e.Event?.Severity); // integer fields truncate fractions (coerce)
        Assert.Equal(0, e.Overflow.BadValueCount);
    }

    [Fact]
    public void Number_in_a_keyword_field_becomes_its_text()
    {
        var e = ReadOne("""{"event":{"code":4624},"user":{"id":1000}}""");
        Assert.Equal("4624", e.Event?.Code);
        Assert.Equal("1000", e.User?.Id);
    }

    [Fact]
    public void Single_value_for_array_field_and_array_for_single_valued_field()
    {
        var e = ReadOne("""{"process":{"args":"only","name":["first","second"]}}""");
        Assert.Equal(new[] { "only" }, e.Process?.Args);
        // The typed property keeps the first value; overflow keeps the whole array so nothing is lost.
        Assert.Equal("first", e.Process?.Name);
        Assert.Equal(new object[] { "first", "second" }, (object[])e["process.name"]!);
        Assert.True(OverflowFieldRegistry.TryGet("process.name", out var name));
        Assert.Equal(new[] { "first", "second" }, e.Overflow.GetStrings(name).ToArray());
    }

    [Fact]
    public void Dates_accept_iso_8601_and_epoch_millis()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714557600000), ReadOne("""{"@timestamp":1714557600000}""").Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714557600000), ReadOne("""{"@timestamp":"1714557600000"}""").Timestamp);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), ReadOne("""{"@timestamp":"2024-05-01"}""").Timestamp);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)), ReadOne("""{"@timestamp":"2024-05-01T12:00:00+02:00"}""").Timestamp);
        var nanos = ReadOne("""{"@timestamp":"2024-05-01T12:00:00.123456789Z"}""").Timestamp;
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), nanos);
    }

    [Fact]
    public void Booleans_accept_the_strings_elasticsearch_accepts()
    {
        Assert.True(ReadOne("""{"process":{"interactive":"true"}}""").Process?.Interactive);
        Assert.False(ReadOne("""{"process":{"interactive":""}}""").Process?.Interactive);
        var bad = ReadOne("""{"process":{"interactive":"yes"}}""");
        Assert.Null(bad.Process?.Interactive);
        Assert.Equal(1, bad.Overflow.BadValueCount);
        Assert.Equal("\"yes\"", bad["process.interactive"]);
    }

    [Fact]
    public void Wrong_value_type_is_counted_and_kept_raw()
    {
        var e = ReadOne("""{"process":{"pid":"not-a-number","name":{"nested":1}},"source":{"ip":12}}""");
        Assert.Null(e.Process?.Pid);
        Assert.Equal("\"not-a-number\"", e["process.pid"]);
        Assert.Equal("12", e["source.ip"]); // ip fields reject numbers
        Assert.Equal(2, e.Overflow.BadValueCount);
        // An object where ECS has a keyword: its leaves are kept under their own paths.
        Assert.Equal(1L, e["process.name.nested"]);
    }

    [Fact]
    public void Object_valued_ecs_fields_keep_raw_json()
    {
        var e = ReadOne("""{"labels":{"env":"prod","n":1},"source":{"geo":{"location":{"lat":1.5,"lon":2.5}}}}""");
        Assert.Equal("""{"env":"prod","n":1}""", e.Labels);
        Assert.Equal("""{"lat":1.5,"lon":2.5}""", e.Source?.Geo?.Location);
    }

    [Fact]
    public void Sub_fields_of_object_valued_ecs_fields_are_queryable_in_either_form()
    {
        var nested = ReadOne("""{"labels":{"env":"prod","team":{"name":"sec"}},"source":{"geo":{"location":{"lat":1.5,"lon":2.5}}}}""");
        Assert.Equal("prod", nested["labels.env"]);
        Assert.Equal("sec", nested["labels.team.name"]);
        Assert.Null(nested["source.geo.location.lat"]); // geo_point has no sub-fields
        Assert.Equal("""{"labels":{"env":"prod","team":{"name":"sec"}},"source":{"geo":{"location":{"lat":1.5,"lon":2.5}}}}""", EventWriter.ToJson(nested));

        var dotted = ReadOne("""{"labels.env":"prod"}""");
        Assert.Null(dotted.Labels);
        Assert.Equal("prod", dotted["labels.env"]);
        Assert.Equal("""{"labels":{"env":"prod"}}""", EventWriter.ToJson(dotted));
    }

    [Fact]
    public void Registered_multi_fields_are_indexed_from_their_parent()
    {
        var caseless = OverflowFieldRegistry.Register("process.executable.caseless", OverflowKind.String);
        var text = OverflowFieldRegistry.Register("process.parent.command_line.text", OverflowKind.Text);
        var e = ReadOne("""{"process":{"executable":"C:\\Windows\\CMD.EXE","parent":{"command_line":"Explorer.EXE /x"}}}""");
        Assert.Equal(new[] { @"c:\windows\cmd.exe" }, e.Overflow.GetStrings(caseless).ToArray());
        Assert.Equal(new[] { "Explorer.EXE /x" }, e.Overflow.GetStrings(text).ToArray());
        // Not written back: documents never carry multi-fields.
        Assert.Equal("""{"process":{"executable":"C:\\Windows\\CMD.EXE","parent":{"command_line":"Explorer.EXE /x"}}}""", EventWriter.ToJson(e));
        // Unregistered multi-fields cost nothing and read as absent.
        Assert.Null(ReadOne("""{"process":{"working_directory":"/Tmp"}}""")["process.working_directory.caseless"]);
    }

    [Fact]
    public void Arrays_of_objects_are_flattened_into_their_leaves()
    {
        var e = ReadOne("""{"dns":{"answers":[{"name":"a.com","ttl":60},{"name":"b.com","ttl":30}]},"custom":[{"k":"x"},{"k":"y"}]}""");
        Assert.Equal(new[] { "a.com", "b.com" }, e.Dns?.Answers?.Name);
        Assert.Equal(new[] { 60L, 30L }, e.Dns?.Answers?.Ttl);
        Assert.Equal(new object[] { "x", "y" }, (object[])e["custom.k"]!);
    }

    [Fact]
    public void Null_values_are_absent_and_empty_arrays_are_kept()
    {
        var e = ReadOne("""{"process":{"name":null,"args":[]},"custom":{"none":null,"empty":[]}}""");
        Assert.Null(e.Process?.Name);
        Assert.Equal(Array.Empty<string>(), e.Process?.Args);
        Assert.Null(e["custom.none"]);
        Assert.Equal(Array.Empty<object>(), (object[])e["custom.empty"]!);
    }

    [Fact]
    public void Reused_instance_reads_each_line_from_scratch()
    {
        var ndjson = "{\"process\":{\"name\":\"a\",\"pid\":1},\"custom\":{\"x\":1}}\n{\"host\":{\"name\":\"h\"}}\n";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)));
        var seen = new List<(string? Process, string? Host, object? Custom)>();
        EcsEvent? first = null;
        foreach (var e in reader.ReadEvents())
        {
            first ??= e;
            Assert.Same(first, e);
            seen.Add((e.Process?.Name, e.Host?.Name, e["custom.x"]));
        }

        Assert.Equal(new[] { ("a", (string?)null, (object?)1L), (null, "h", null) }, seen);
    }

    [Fact]
    public void Fresh_instances_when_reuse_is_off()
    {
        var ndjson = "{\"process\":{\"name\":\"a\"}}\n{\"process\":{\"name\":\"b\"}}\n";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), new EventReaderOptions { ReuseEvent = false });
        var events = reader.ReadEvents().ToList();
        Assert.Equal(new[] { "a", "b" }, events.Select(e => e.Process?.Name));
    }

    [Fact]
    public void Bad_lines_are_reported_with_line_numbers_and_the_stream_goes_on()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var ndjson = string.Join("\n",
            "{\"event\":{\"code\":\"1\"}}",
            "{\"event\":",                         // 2 invalid JSON
            "",                                     // 3 blank
            "[1,2,3]",                              // 4 not an object
            "{\"a\":" + deep + "}",                 // 5 too deep
            "{\"event\":{\"code\":\"6\"}} trailing", // 6 content after the object
            "{\"event\":{\"code\":\"7\"}}",
            "{\"event\":{\"code\":\"8\"")            // 8 truncated last line
            ;
        var bad = new List<BadLine>();
        var events = ReadAll(ndjson, out var statistics, bad);
        Assert.Equal(new[] { "{\"event\":{\"code\":\"1\"}}", "{\"event\":{\"code\":\"7\"}}" }, events);
        Assert.Equal(
            new[] { (2L, BadLineReason.InvalidJson), (4L, BadLineReason.NotAnObject), (5L, BadLineReason.TooDeep), (6L, BadLineReason.InvalidJson), (8L, BadLineReason.Truncated) },
            bad.Select(b => (b.LineNumber, b.Reason)));
        Assert.All(bad, b => Assert.False(string.IsNullOrWhiteSpace(b.Message)));
        Assert.Equal(8, statistics.Lines);
        Assert.Equal(2, statistics.Events);
        Assert.Equal(1, statistics.EmptyLines);
        Assert.Equal(5, statistics.BadLines);
        Assert.Equal(2, statistics.BadLinesFor(BadLineReason.InvalidJson));
    }

    [Fact]
    public void Last_line_without_newline_is_an_event_when_complete()
    {
        var events = ReadAll("{\"message\":\"a\"}\r\n{\"message\":\"b\"}", out var statistics);
        Assert.Equal(2, events.Count);
        Assert.Equal(0, statistics.BadLines);
    }

    [Fact]
    public void Over_long_lines_are_skipped_whatever_the_buffer_boundaries()
    {
        var longValue = new string('x', 300_000);
        var ndjson = "{\"message\":\"a\"}\n{\"message\":\"" + longValue + "\"}\n{\"message\":\"c\"}\n{\"message\":\"" + longValue + "\"}";
        var bad = new List<BadLine>();
        var options = new EventReaderOptions { MaxLineBytes = 100_000, OnBadLine = bad.Add };
        var events = ReadAll(ndjson, out var statistics, options: options);
        Assert.Equal(new[] { "{\"message\":\"a\"}", "{\"message\":\"c\"}" }, events);
        Assert.Equal(new[] { (2L, BadLineReason.LineTooLong), (4L, BadLineReason.LineTooLong) }, bad.Select(b => (b.LineNumber, b.Reason)));
        Assert.Equal(4, statistics.Lines);
    }

    [Fact]
    public void Short_line_over_the_limit_is_rejected()
    {
        var bad = new List<BadLine>();
        var events = ReadAll("{\"message\":\"0123456789\"}\n{\"message\":\"a\"}\n", out _, options: new EventReaderOptions { MaxLineBytes = 20, OnBadLine = bad.Add });
        Assert.Single(events);
        Assert.Equal(BadLineReason.LineTooLong, Assert.Single(bad).Reason);
    }

    [Fact]
    public void Invalid_utf8_is_an_invalid_line()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"message\":\"a\"}\n{\"message\":\"").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}\n{\"message\":\"c\"}\n")).ToArray();
        var bad = new List<BadLine>();
        using var reader = new EventReader(new MemoryStream(bytes), new EventReaderOptions { OnBadLine = bad.Add });
        Assert.Equal(new[] { "a", "c" }, reader.ReadEvents().Select(e => e.Message).ToList());
        Assert.Equal((2L, BadLineReason.InvalidJson), (Assert.Single(bad).LineNumber, bad[0].Reason));
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_on_files_and_non_seekable_streams()
    {
        var ndjson = "{\"message\":\"zipped\"}\n{\"message\":\"twice\"}\n";
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(ndjson));
        }

        var path = Path.Combine(Path.GetTempPath(), "rules-events-" + Guid.NewGuid().ToString("N") + ".ndjson.gz");
        File.WriteAllBytes(path, compressed.ToArray());
        try
        {
            using var fromFile = EventReader.Open(path);
            Assert.Equal(new[] { "zipped", "twice" }, fromFile.ReadEvents().Select(e => e.Message).ToList());
        }
        finally
        {
            File.Delete(path);
        }

        using var fromPipe = new EventReader(new NonSeekableStream(compressed.ToArray()));
        Assert.Equal(new[] { "zipped", "twice" }, fromPipe.ReadEvents().Select(e => e.Message).ToList());

        using var plainPipe = new EventReader(new NonSeekableStream(Encoding.UTF8.GetBytes(ndjson)));
        Assert.Equal(new[] { "zipped", "twice" }, plainPipe.ReadEvents().Select(e => e.Message).ToList());
    }

    [Fact]
    public void Beyond_the_registration_cap_unknown_fields_are_kept_raw_per_event()
    {
        var path = "test.cap.f" + Guid.NewGuid().ToString("N");
        var json = "{\"" + path + "\":[1,\"two\"],\"message\":\"m\"}\n";
        var events = ReadAll(json, out var statistics, options: new EventReaderOptions { MaxRegisteredFields = 0 });
        Assert.False(OverflowFieldRegistry.TryGet(path, out _));
        Assert.Equal(2, statistics.UnregisteredFields);
        var dot = path.IndexOf('.', 5);
        Assert.Equal("{\"message\":\"m\",\"test\":{\"cap\":{\"" + path.Substring(dot + 1) + "\":[1,\"two\"]}}}", Assert.Single(events));
    }

    [Fact]
    public void Empty_input_yields_nothing()
    {
        Assert.Empty(ReadAll("", out var statistics));
        Assert.Equal(0, statistics.Lines);
    }

    [Fact]
    public void Statistics_count_arrays_for_single_valued_fields_and_bad_values()
    {
        ReadAll("{\"process\":{\"name\":[\"a\",\"b\"],\"pid\":\"x\"}}\n", out var statistics);
        Assert.Equal(1, statistics.ArraysForSingleValuedFields);
        Assert.Equal(1, statistics.BadValues);
    }

    /// <summary>A pipe-like stream: no seeking, small reads.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
