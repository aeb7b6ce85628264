using Rules.Runtime.Matching;

namespace Rules.Tests.Eql;

/// <summary>The runtime EQL functions, with the examples of Elasticsearch's EQL function reference.</summary>
public class EqlFunctionsTests
{
    [Fact]
    public void Add_subtract_multiply()
    {
        Assert.Equal(9L, EqlFunctions.Add(4L, 5L));
        Assert.Equal(4.5, EqlFunctions.Add(4L, 0.5));
        Assert.Equal(-4L, EqlFunctions.Add(-2L, -2L));
        Assert.Null(EqlFunctions.Add(null, 4L));
        Assert.Null(EqlFunctions.Add(long.MaxValue, 1L));
        Assert.Equal(8L, EqlFunctions.Subtract(10L, 2L));
        Assert.Equal(10.0, EqlFunctions.Subtract(10.5, 0.5));
        Assert.Equal(-6L, EqlFunctions.Subtract(-2L, 4L));
        Assert.Null(EqlFunctions.Subtract(long.MinValue, 1L));
        Assert.Null(EqlFunctions.Subtract(2L, null));
        Assert.Equal(4L, EqlFunctions.Multiply(2L, 2L));
        Assert.Equal(1.0, EqlFunctions.Multiply(0.5, 2L));
        Assert.Equal(4L, EqlFunctions.Multiply(-2L, -2L));
        Assert.Null(EqlFunctions.Multiply(long.MaxValue, 2L));
        Assert.Null(EqlFunctions.Multiply(null, 2L));
    }

    [Fact]
    public void Divide_truncates_integers_and_modulo_keeps_the_dividend_sign()
    {
        Assert.Equal(2L, EqlFunctions.Divide(4L, 2L));
        Assert.Equal(1L, EqlFunctions.Divide(4L, 3L));
        Assert.Equal(-1L, EqlFunctions.Divide(-4L, 3L));
        Assert.Equal(4.0 / 3.0, EqlFunctions.Divide(4L, 3.0));
        Assert.Equal(0.125, EqlFunctions.Divide(0.5, 4L));
        Assert.Null(EqlFunctions.Divide(4L, 0L));
        Assert.Null(EqlFunctions.Divide(null, 4L));
        Assert.Equal(4L, EqlFunctions.Modulo(10L, 6L));
        Assert.Equal(0L, EqlFunctions.Modulo(10L, 5L));
        Assert.Equal(4L, EqlFunctions.Modulo(10L, -6L));
        Assert.Equal(-4L, EqlFunctions.Modulo(-10L, -6L));
        Assert.Equal(0.0, EqlFunctions.Modulo(10L, 0.5));
        Assert.Null(EqlFunctions.Modulo(7L, null));
        Assert.Null(EqlFunctions.Modulo(7L, 0L));
    }

    [Fact]
    public void Between()
    {
        const string path = "C:\\Windows\\System32\\cmd.exe";
        Assert.Equal("cmd", EqlFunctions.Between(path, "System32\\", ".exe"));
        Assert.Equal(string.Empty, EqlFunctions.Between(path, "system32\\", ".exe"));
        Assert.Equal(string.Empty, EqlFunctions.Between(path, "workspace\\", ".exe"));
        Assert.Equal("cmd", EqlFunctions.BetweenInsensitive(path, "system32\\", ".exe"));
        Assert.Equal("Windows", EqlFunctions.Between(path, "\\", "\\", false));
        Assert.Equal("Windows\\System32", EqlFunctions.Between(path, "\\", "\\", true));
        Assert.Equal(string.Empty, EqlFunctions.Between("", "System32\\", ".exe"));
        Assert.Equal(string.Empty, EqlFunctions.Between("", "", ""));
        Assert.Null(EqlFunctions.Between(null, "System32\\", ".exe"));
    }

    [Theory]
    [InlineData("192.168.152.12", true, "192.168.0.0/16")]
    [InlineData("192.168.152.12", true, "192.168.0.0/16", "10.0.0.0/8")]
    [InlineData("192.168.152.12", false, "10.0.0.0/8")]
    [InlineData("192.168.152.12", false, "10.0.0.0/8", "10.128.0.0/9")]
    [InlineData("10.0.0.1", true, "10.0.0.1")]
    [InlineData("10.0.0.2", false, "10.0.0.1")]
    [InlineData("10.6.48.157", true, "10.6.48.157/8")]
    [InlineData("fe80::1", true, "fe80::/10")]
    [InlineData("fe80::1", false, "10.0.0.0/8")]
    [InlineData("::ffff:10.1.2.3", true, "10.0.0.0/8")]
    [InlineData("0.0.0.0", true, "0.0.0.0/0")]
    [InlineData("not-an-ip", false, "0.0.0.0/0")]
    [InlineData("10.0.0", false, "0.0.0.0/0")]
    [InlineData("10.0.0.256", false, "0.0.0.0/0")]
    [InlineData("255.255.255.255", true, "255.255.255.254/31")]
    [InlineData("2001:db8::1", true, "2001:db8::/32", "10.0.0.0/8")]
    public void CidrMatch(string address, bool expected, params string[] blocks) =>
        Assert.Equal(expected, EqlFunctions.CidrMatch(address, blocks));

    [Fact]
    public void CidrMatch_nulls()
    {
        Assert.Null(EqlFunctions.CidrMatch(null, "10.0.0.0/8"));
        Assert.Null(EqlFunctions.CidrMatch("10.0.0.1", (string?)null));
    }

    [Fact]
    public void Concat_and_string()
    {
        Assert.Equal("process is regsvr32.exe", EqlFunctions.Concat("process is ", "regsvr32.exe"));
        Assert.Equal("regsvr32.exe 42", EqlFunctions.Concat("regsvr32.exe", " ", EqlFunctions.String(42L)));
        Assert.Equal("regsvr32.exe 42.5", EqlFunctions.Concat("regsvr32.exe", " ", EqlFunctions.String(42.5)));
        Assert.Equal("regsvr32.exe true", EqlFunctions.Concat("regsvr32.exe", " ", EqlFunctions.String(true)));
        Assert.Equal("regsvr32.exe", EqlFunctions.Concat("regsvr32.exe"));
        Assert.Null(EqlFunctions.Concat(null, "regsvr32.exe"));
        Assert.Null(EqlFunctions.Concat((string?)null));
        Assert.Equal("42", EqlFunctions.String(42L));
        Assert.Equal("1.0", EqlFunctions.String(1.0));
        Assert.Equal("-0.5", EqlFunctions.String(-0.5));
        Assert.Equal("1.0E10", EqlFunctions.String(1e10));
        Assert.Equal("1.5E-5", EqlFunctions.String(1.5e-5));
        Assert.Equal("regsvr32.exe", EqlFunctions.String("regsvr32.exe"));
        Assert.Null(EqlFunctions.String((long?)null));
    }

    [Fact]
    public void StartsWith_endsWith_stringContains()
    {
        Assert.Equal(true, EqlFunctions.StartsWith("regsvr32.exe", "regsvr32"));
        Assert.Equal(false, EqlFunctions.StartsWith("regsvr32.exe", "Regsvr32"));
        Assert.Equal(true, EqlFunctions.StartsWith("", ""));
        Assert.Equal(true, EqlFunctions.StartsWithInsensitive("regsvr32.exe", "Regsvr32"));
        Assert.Null(EqlFunctions.StartsWith(null, "regsvr32"));
        Assert.Null(EqlFunctions.StartsWith("", null));
        Assert.Equal(true, EqlFunctions.EndsWith("regsvr32.exe", ".exe"));
        Assert.Equal(false, EqlFunctions.EndsWith("regsvr32.exe", ".EXE"));
        Assert.Equal(true, EqlFunctions.EndsWithInsensitive("regsvr32.exe", ".EXE"));
        Assert.Null(EqlFunctions.EndsWith("regsvr32.exe", null));
        Assert.Equal(true, EqlFunctions.StringContains("start regsvr32.exe", "regsvr32"));
        Assert.Equal(false, EqlFunctions.StringContains("start regsvr32.exe", "Regsvr32"));
        Assert.Equal(true, EqlFunctions.StringContainsInsensitive("start regsvr32.exe", "Regsvr32"));
        Assert.Null(EqlFunctions.StringContains(null, "regsvr32"));
    }

    [Fact]
    public void IndexOf()
    {
        const string domain = "subdomain.example.com";
        Assert.Equal(3L, EqlFunctions.IndexOf(domain, "d"));
        Assert.Null(EqlFunctions.IndexOf(domain, "D"));
        Assert.Equal(9L, EqlFunctions.IndexOf(domain, "."));
        Assert.Equal(9L, EqlFunctions.IndexOf(domain, ".", 9L));
        Assert.Equal(17L, EqlFunctions.IndexOf(domain, ".", 10L));
        Assert.Equal(9L, EqlFunctions.IndexOf(domain, ".", -6L));
        Assert.Equal(3L, EqlFunctions.IndexOfInsensitive(domain, "D"));
        Assert.Equal(0L, EqlFunctions.IndexOf("", ""));
        Assert.Equal(0L, EqlFunctions.IndexOf(domain, ""));
        Assert.Equal(9L, EqlFunctions.IndexOf(domain, "", 9L));
        Assert.Equal(10L, EqlFunctions.IndexOf(domain, "", 10L));
        Assert.Equal(0L, EqlFunctions.IndexOf(domain, "", -6L));
        Assert.Null(EqlFunctions.IndexOf(domain, "z"));
        Assert.Null(EqlFunctions.IndexOf(domain, ".", 30L));
        Assert.Null(EqlFunctions.IndexOf(null, ".", 9L));
        Assert.Null(EqlFunctions.IndexOf(domain, null, 9L));
        Assert.Null(EqlFunctions.IndexOf(domain, ".", null));
    }

    [Fact]
    public void Length()
    {
        Assert.Equal(12L, EqlFunctions.Length("explorer.exe"));
        Assert.Equal(18L, EqlFunctions.Length("start explorer.exe"));
        Assert.Equal(0L, EqlFunctions.Length(""));
        Assert.Null(EqlFunctions.Length(null));
    }

    [Fact]
    public void Number()
    {
        Assert.Equal(1337.0, EqlFunctions.Number("1337"));
        Assert.Equal(42.5, EqlFunctions.Number("42.5"));
        Assert.Equal(3735928559.0, EqlFunctions.Number("deadbeef", 16));
        Assert.Equal(3735928559.0, EqlFunctions.Number("0xdeadbeef"));
        Assert.Equal(3735928559.0, EqlFunctions.Number("0xdeadbeef", 16));
        Assert.Equal(1337.0, EqlFunctions.Number("+1337"));
        Assert.Equal(-1337.0, EqlFunctions.Number("-1337"));
        Assert.Equal(1337.0, EqlFunctions.Number("  1337  "));
        Assert.Equal(3735928559.0, EqlFunctions.Number("0xdeadbeef", null));
        Assert.Equal(1337.0, EqlFunctions.Number("1337", null));
        Assert.Equal(5.0, EqlFunctions.Number("101", 2));
        Assert.Null(EqlFunctions.Number(null));
        Assert.Null(EqlFunctions.Number(null, 16));
        Assert.Null(EqlFunctions.Number(""));
        Assert.Null(EqlFunctions.Number("12z"));
    }

    [Fact]
    public void Predicates_and_positions_do_not_allocate()
    {
        const string text = "C:\\Windows\\System32\\cmd.exe";
        const string address = "192.168.152.12";
        // Warm up (JIT, static data) before measuring; results are checked outside the measured region.
        var results = new long[7];
        Measure(results);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Measure(results);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(new long[] { 1, 1, 1, 11, 27, 1, 7 }, results);
        Assert.Equal(0, allocated);

        static void Measure(long[] r)
        {
            r[0] = EqlFunctions.StartsWithInsensitive(text, "c:\\windows") == true ? 1 : 0;
            r[1] = EqlFunctions.EndsWith(text, ".exe") == true ? 1 : 0;
            r[2] = EqlFunctions.StringContainsInsensitive(text, "SYSTEM32") == true ? 1 : 0;
            r[3] = EqlFunctions.IndexOf(text, "System32") ?? -1;
            r[4] = EqlFunctions.Length(text) ?? -1;
            r[5] = EqlFunctions.CidrMatch(address, "10.0.0.0/8", "192.168.0.0/16") == true ? 1 : 0;
            r[6] = EqlFunctions.Add(3L, 4L) ?? -1;
        }
    }

    [Fact]
    public void Substring()
    {
        const string text = "start regsvr32.exe";
        Assert.Equal("regsvr32.exe", EqlFunctions.Substring(text, 6L));
        Assert.Equal("start", EqlFunctions.Substring(text, 0L, 5L));
        Assert.Equal("regsvr32", EqlFunctions.Substring(text, 6L, 14L));
        Assert.Equal(".exe", EqlFunctions.Substring(text, -4L));
        Assert.Equal(".ex", EqlFunctions.Substring(text, -4L, -1L));
        Assert.Equal(string.Empty, EqlFunctions.Substring(text, 10L, 5L));
        Assert.Equal(string.Empty, EqlFunctions.Substring(text, 40L));
        Assert.Equal("start", EqlFunctions.Substring(text, -100L, 5L));
        Assert.Null(EqlFunctions.Substring(null, 1L));
    }
}
