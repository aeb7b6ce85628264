using System.Text;
using System.Text.Json;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Tests.Events;

/// <summary>JSON -> EcsEvent -> JSON keeps every field and value (docs/event-record.md, "Writer").</summary>
public class RoundTripTests
{
    /// <summary>Realistic documents as Elastic Defend, Winlogbeat, Auditbeat and cloud integrations write them.</summary>
    public static readonly TheoryData<string> Documents = new()
    {
        """{"@timestamp":"2024-05-01T10:00:00.123Z","agent":{"id":"0f2c","type":"endpoint","version":"8.13.0"},"event":{"action":"start","category":["process"],"kind":"event","type":["start"],"dataset":"endpoint.events.process","ingested":"2024-05-01T10:00:01Z"},"host":{"name":"WIN-1","os":{"type":"windows","family":"windows","version":"10.0"},"ip":["10.0.0.5","fe80::1"]},"process":{"args":["C:\\Windows\\System32\\cmd.exe","/c","whoami"],"args_count":3,"command_line":"\"C:\\Windows\\System32\\cmd.exe\" /c whoami","entity_id":"abc","executable":"C:\\Windows\\System32\\cmd.exe","name":"cmd.exe","pid":4242,"pe":{"original_file_name":"Cmd.Exe"},"code_signature":{"trusted":true,"subject_name":"Microsoft Windows"},"parent":{"name":"explorer.exe","pid":1000,"executable":"C:\\Windows\\explorer.exe"},"Ext":{"token":{"integrity_level_name":"high"},"ancestry":["a","b"],"relative_file_creation_time":12.5}},"user":{"name":"bob","domain":"CORP","id":"S-1-5-21-1"},"data_stream":{"dataset":"endpoint.events.process","namespace":"default","type":"logs"}}""",
        """{"@timestamp":"2024-05-01T10:00:00Z","event":{"code":"4624","provider":"Microsoft-Windows-Security-Auditing","outcome":"success","category":["authentication"]},"winlog":{"channel":"Security","event_id":"4624","logon":{"type":"Network","id":"0x3e7"},"event_data":{"TargetUserName":"alice","LogonType":"3","AuthenticationPackageName":"NTLM","IpAddress":"10.1.1.1"},"record_id":123456},"source":{"ip":"10.1.1.1","port":51515},"user":{"name":"alice"},"host":{"name":"DC01"},"message":"An account was successfully logged on."}""",
        """{"@timestamp":"2024-05-01T10:00:00Z","auditd":{"data":{"syscall":"execve","a0":"7ffd"},"result":"success","sequence":77},"process":{"name":"bash","pid":12,"args":["bash","-c","id"],"working_directory":"/tmp"},"user":{"id":"0","name":"root","effective":{"id":"0"}},"host":{"os":{"type":"linux"}},"tags":["auditbeat"],"labels":{"env":"prod","team":"sec"}}""",
        """{"@timestamp":"2024-05-01T10:00:00Z","dns":{"question":{"name":"evil.example","type":"A"},"answers":[{"data":"1.2.3.4","ttl":60,"type":"A"},{"data":"5.6.7.8","ttl":30,"type":"A"}]},"network":{"protocol":"dns","bytes":512,"transport":"udp"},"destination":{"ip":"8.8.8.8","port":53,"geo":{"location":{"lat":37.751,"lon":-97.822}}},"o365":{"audit":{"Parameters":{"ForwardTo":"x@evil.example","DeleteMessage":"True"},"Actor":[{"ID":"u1","Type":5},{"ID":"u2","Type":2}]}}}""",
        """{"@timestamp":"2024-05-01T10:00:00.5+02:00","cloud":{"provider":"aws","account":{"id":"123"},"region":"us-east-1"},"aws":{"cloudtrail":{"user_identity":{"type":"IAMUser","arn":"arn:aws:iam::123:user/x"},"flattened":{"request_parameters":{"bucketName":"b"}},"error_code":null}},"event":{"provider":"s3.amazonaws.com","action":"GetObject","outcome":"failure","duration":1500000,"risk_score":47.5},"related":{"user":["x"],"ip":[]},"url":{"full":"https://example.com/a?b=c"},"custom_flag":false,"numbers":[1,2,3],"mixed.ratio":0.25}""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_field_and_value_survives_a_round_trip(string document)
    {
        var e = EventReaderTests.ReadOne(document);
        var written = EventWriter.ToJson(e);
        Assert.Equal(Flatten(document), Flatten(written));

        // Writing is a fixed point: reading the output and writing again gives the same text.
        Assert.Equal(written, EventWriter.ToJson(EventReaderTests.ReadOne(written)));
    }

    [Fact]
    public void Dotted_keys_are_written_nested()
    {
        var written = EventWriter.ToJson(EventReaderTests.ReadOne("""{"process.parent.name":"a","process.pid":1,"custom.x.y":"z"}"""));
        Assert.Equal("""{"custom":{"x":{"y":"z"}},"process":{"parent":{"name":"a"},"pid":1}}""", written);
    }

    [Fact]
    public void Array_for_single_valued_field_is_written_back_as_the_array()
    {
        var written = EventWriter.ToJson(EventReaderTests.ReadOne("""{"process":{"name":["a","b"],"pid":["7"]}}"""));
        Assert.Equal("""{"process":{"name":["a","b"],"pid":[7]}}""", written);
    }

    [Fact]
    public void Bad_values_are_written_back_raw()
    {
        var written = EventWriter.ToJson(EventReaderTests.ReadOne("""{"process":{"pid":"x","interactive":{"a":1}}}"""));
        Assert.Equal("""{"process":{"interactive":{"a":1},"pid":"x"}}""", written);
    }

    [Fact]
    public void Records_built_in_code_are_written_with_ecs_names()
    {
        var e = new EcsEvent
        {
            Timestamp = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Process = new() { Name = "x", Pid = 5, Args = ["x", "-y"], Parent = new() { Executable = "/bin/sh" } },
            Labels = """{"k":"v"}""",
        };
        e.Set("event.category", "process");
        e.Set("test.code.logon_type", 3L);
        e.Overflow.Set("custom.list", "a", "b");
        Assert.Equal(
            """{"@timestamp":"2024-01-02T03:04:05Z","custom":{"list":["a","b"]},"event":{"category":["process"]},"labels":{"k":"v"},"process":{"args":["x","-y"],"name":"x","parent":{"executable":"/bin/sh"},"pid":5},"test":{"code":{"logon_type":3}}}""",
            EventWriter.ToJson(e));
    }

    [Fact]
    public void Writer_streams_one_line_per_event()
    {
        var output = new MemoryStream();
        using (var writer = new EventWriter(output, leaveOpen: true))
        {
            writer.Write(EventReaderTests.ReadOne("""{"message":"a"}"""));
            writer.Write(EventReaderTests.ReadOne("""{"message":"b"}"""));
        }

        Assert.Equal("{\"message\":\"a\"}\n{\"message\":\"b\"}\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>
    /// The document as Elasticsearch sees it: every leaf path with its values in order (dotted and nested keys alike,
    /// arrays of objects flattened, nulls and "no value" dropped, numbers compared by value, dates by instant).
    /// </summary>
    private static List<string> Flatten(string json)
    {
        var leaves = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, "", leaves);
        return leaves.Select(pair => pair.Key + "=" + string.Join("|", pair.Value)).ToList();
    }

    private static void Walk(JsonElement element, string path, SortedDictionary<string, List<string>> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when path is not ("labels" or "destination.geo.location"):
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, leaves);
                }

                break;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0 && !leaves.ContainsKey(path))
                {
                    leaves[path] = new List<string>();
                }

                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path, leaves);
                }

                break;
            case JsonValueKind.Null:
                break;
            default:
                if (!leaves.TryGetValue(path, out var values))
                {
                    leaves[path] = values = new List<string>();
                }

                values.Add(Normalize(element));
                break;
        }
    }

    private static string Normalize(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date) && value.GetString()!.Contains('T')
            => date.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.Object => JsonSerializer.Serialize(value),
        _ => value.ToString(),
    };
}
