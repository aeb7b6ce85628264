using System;
using System.Text;

namespace Rules.Benchmarks;

/// <summary>Deterministic, realistic ECS documents in the shapes Elastic Defend writes.</summary>
public static class RealisticEvents
{
    private static readonly string[] ProcessNames = { "svchost.exe", "powershell.exe", "cmd.exe", "chrome.exe", "explorer.exe", "WmiPrvSE.exe", "rundll32.exe", "msedge.exe", "conhost.exe", "taskhostw.exe", "bash", "sshd", "python3", "curl" };
    private static readonly string[] Users = { "SYSTEM", "alice", "bob", "svc_backup", "root" };

    public static byte[] Ndjson(int count)
    {
        var random = new Random(20261122);
        var builder = new StringBuilder(count * 1600);
        var time = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            time = time.AddMilliseconds(random.Next(1, 500));
            var kind = (i % 10) switch
            {
                < 4 => "process",
                < 6 => "file",
                < 8 => "registry",
                _ => "network",
            };
            var name = ProcessNames[random.Next(ProcessNames.Length)];
            var user = Users[random.Next(Users.Length)];
            var pid = random.Next(100, 60000);
            builder.Append("{\"@timestamp\":\"").Append(time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")).Append('"');
            builder.Append(",\"agent\":{\"id\":\"0b8d4f0e-3c1a-4f7e-9a55-2f6c1d9e8b7a\",\"type\":\"endpoint\",\"version\":\"9.5.0\"}");
            builder.Append(",\"data_stream\":{\"dataset\":\"endpoint.events.").Append(kind).Append("\",\"namespace\":\"default\",\"type\":\"logs\"}");
            builder.Append(",\"ecs\":{\"version\":\"9.5.0\"}");
            builder.Append(",\"event\":{\"action\":\"").Append(kind == "process" ? "start" : "modification").Append("\",\"category\":[\"").Append(kind).Append("\"],\"created\":\"").Append(time.ToString("O"))
                .Append("\",\"dataset\":\"endpoint.events.").Append(kind).Append("\",\"id\":\"").Append(Guid.NewGuid().ToString("N", null)[..20]).Append("\",\"kind\":\"event\",\"module\":\"endpoint\",\"outcome\":\"success\",\"sequence\":").Append(i)
                .Append(",\"type\":[\"").Append(kind == "process" ? "start" : "change").Append("\"]}");
            builder.Append(",\"host\":{\"architecture\":\"x86_64\",\"hostname\":\"wkstn-").Append(random.Next(1, 50)).Append("\",\"id\":\"6a1f2c3e-5d7b-4e8f-9a0b-1c2d3e4f5a6b\",\"ip\":[\"10.20.30.").Append(random.Next(1, 254)).Append("\",\"fe80::1c2d:3e4f:5a6b:7c8d\"],\"mac\":[\"00-50-56-aa-bb-cc\"],\"name\":\"WKSTN-").Append(random.Next(1, 50))
                .Append("\",\"os\":{\"family\":\"windows\",\"full\":\"Windows 11 Pro 23H2 (10.0.22631.3593)\",\"kernel\":\"23H2 (10.0.22631.3593)\",\"name\":\"Windows\",\"platform\":\"windows\",\"type\":\"windows\",\"version\":\"23H2\"}}");
            builder.Append(",\"process\":{\"args\":[\"C:\\\\Windows\\\\System32\\\\").Append(name).Append("\",\"-k\",\"netsvcs\",\"-p\"],\"args_count\":4,\"command_line\":\"C:\\\\Windows\\\\System32\\\\").Append(name).Append(" -k netsvcs -p\",\"entity_id\":\"").Append(Guid.NewGuid().ToString("N", null)).Append("\",\"executable\":\"C:\\\\Windows\\\\System32\\\\").Append(name)
                .Append("\",\"hash\":{\"sha256\":\"9f1e24917ef96bbb339a0d8ec8d3b2b1e2c4a4d5f9c1e8a7b6d5c4b3a2918f7e\"},\"name\":\"").Append(name).Append("\",\"parent\":{\"entity_id\":\"").Append(Guid.NewGuid().ToString("N", null)).Append("\",\"executable\":\"C:\\\\Windows\\\\System32\\\\services.exe\",\"name\":\"services.exe\",\"pid\":680},\"pe\":{\"company\":\"Microsoft Corporation\",\"original_file_name\":\"").Append(name).Append("\",\"product\":\"Microsoft Windows Operating System\"},\"pid\":").Append(pid)
                .Append(",\"code_signature\":{\"exists\":true,\"status\":\"trusted\",\"subject_name\":\"Microsoft Windows\",\"trusted\":true}}");
            builder.Append(",\"user\":{\"domain\":\"CORP\",\"id\":\"S-1-5-21-1004336348-1177238915-682003330-").Append(1000 + random.Next(200)).Append("\",\"name\":\"").Append(user).Append("\"}");
            switch (kind)
            {
                case "file":
                    builder.Append(",\"file\":{\"directory\":\"C:\\\\Users\\\\").Append(user).Append("\\\\AppData\\\\Local\\\\Temp\",\"extension\":\"tmp\",\"name\":\"~DF").Append(random.Next(1000, 9999)).Append(".tmp\",\"path\":\"C:\\\\Users\\\\").Append(user).Append("\\\\AppData\\\\Local\\\\Temp\\\\~DF").Append(random.Next(1000, 9999)).Append(".tmp\",\"size\":").Append(random.Next(100, 100000)).Append('}');
                    break;
                case "registry":
                    builder.Append(",\"registry\":{\"data\":{\"strings\":[\"").Append(random.Next(0, 2)).Append("\"],\"type\":\"REG_DWORD\"},\"hive\":\"HKLM\",\"key\":\"SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Explorer\",\"path\":\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Explorer\\\\Value").Append(random.Next(100)).Append("\",\"value\":\"Value").Append(random.Next(100)).Append("\"}");
                    break;
                case "network":
                    builder.Append(",\"destination\":{\"address\":\"142.250.74.").Append(random.Next(1, 254)).Append("\",\"ip\":\"142.250.74.").Append(random.Next(1, 254)).Append("\",\"port\":443},\"source\":{\"address\":\"10.20.30.42\",\"ip\":\"10.20.30.42\",\"port\":").Append(random.Next(49152, 65535)).Append("},\"network\":{\"direction\":\"egress\",\"transport\":\"tcp\",\"type\":\"ipv4\"}");
                    break;
            }

            builder.Append("}\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
