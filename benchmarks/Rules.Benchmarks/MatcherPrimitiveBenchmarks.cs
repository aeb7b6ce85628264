using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Rules.Runtime.Matching;

namespace Rules.Benchmarks;

/// <summary>
/// The compiled list and text matchers against the plain ones they replace, on the shapes that dominate the corpus
/// profile: a long list of directory globs on process.executable ("Process Execution from an Unusual Directory",
/// 66 patterns) and a word group on a PowerShell script block (the seed rule). Per value (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class MatcherPrimitiveBenchmarks
{
    private static readonly string[] Directories =
    {
        "PerfLogs", "Users\\Public", "Windows\\Tasks", "Intel", "AMD\\Temp", "Windows\\AppReadiness", "Windows\\ServiceState",
        "Windows\\security", "Windows\\IdentityCRL", "Windows\\Branding", "Windows\\csc", "Windows\\DigitalLocker", "Windows\\en-US",
        "Windows\\wlansvc", "Windows\\Prefetch", "Windows\\Fonts", "Windows\\diagnostics", "Windows\\TAPI", "Windows\\INF",
        "Windows\\System32\\Speech", "windows\\tracing", "windows\\IME", "Windows\\Performance", "windows\\intel", "windows\\ms",
        "Windows\\dot3svc", "Windows\\panther", "Windows\\RemotePackages", "Windows\\OCR", "Windows\\appcompat", "Windows\\apppatch",
        "Windows\\addins", "Windows\\Setup", "Windows\\Help", "Windows\\SKB", "Windows\\Vss", "Windows\\Web", "Windows\\servicing",
        "Windows\\CbsTemp", "Windows\\Logs", "Windows\\WaaS", "Windows\\ShellExperiences", "Windows\\ShellComponents", "Windows\\PLA",
        "Windows\\Migration", "Windows\\debug", "Windows\\Cursors", "Windows\\Containers", "Windows\\Boot", "Windows\\bcastdvr",
        "Windows\\assembly", "Windows\\TextInput", "Windows\\schemas", "Windows\\SchCache", "Windows\\Resources", "Windows\\rescache",
        "Windows\\Provisioning", "Windows\\PrintDialog", "Windows\\PolicyDefinitions", "Windows\\media", "Windows\\Globalization",
        "Windows\\L2Schemas", "Windows\\LiveKernelReports", "Windows\\ModemLogs", "Windows\\ImmersiveControlPanel", "ProgramData",
    };

    private static readonly string[] Patterns = Directories.Select(d => "?:\\" + d + "\\*.exe").ToArray();

    private static readonly string[] Executables =
    {
        "C:\\Windows\\System32\\svchost.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        "C:\\Windows\\explorer.exe", "C:\\Users\\alice\\AppData\\Local\\Temp\\setup.exe", "C:\\Windows\\System32\\cmd.exe",
        "C:\\Windows\\Tasks\\evil.exe", "D:\\PerfLogs\\x.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
    };

    private static readonly string[] Scripts =
    {
        "$h = [Kernel32]::OpenProcess(0x1F0FFF, $false, $pid)\n$addr = [Kernel32]::VirtualAlloc([IntPtr]::Zero, 4096, 0x3000, 0x40)",
        "# VirtualAllocation and CreateRemoteThreads are documented in the wiki\nGet-Help about_VirtualAllocations",
        string.Concat(Enumerable.Repeat("Get-ChildItem -Path $env:TEMP -Recurse | Where-Object { $_.Length -gt 1MB } | Remove-Item -Force\n", 20)),
    };

    private static readonly string[] Words =
    {
        "virtualalloc", "virtualallocex", "virtualprotect", "ldrloaddll", "loadlibrary", "loadlibrarya", "loadlibraryex",
        "getprocaddress", "openprocess", "openprocesstoken", "adjusttokenprivileges",
    };

    private readonly WildcardSet _set = new(ignoreCase: true, Patterns);
    private readonly WildcardPatternSet _eachInTurn = new(ignoreCase: true, Patterns);
    private readonly TextTerms _terms = new(Words);

    [Benchmark(OperationsPerInvoke = 8)]
    public int WildcardSetPerValue()
    {
        var matches = 0;
        foreach (var executable in Executables)
        {
            matches += _set.IsMatch(executable) ? 1 : 0;
        }

        return matches;
    }

    [Benchmark(OperationsPerInvoke = 8)]
    public int EachPatternInTurnPerValue()
    {
        var matches = 0;
        foreach (var executable in Executables)
        {
            matches += _eachInTurn.IsMatch(executable) ? 1 : 0;
        }

        return matches;
    }

    [Benchmark(OperationsPerInvoke = 3)]
    public int TextTermsPerScript()
    {
        var matches = 0;
        foreach (var script in Scripts)
        {
            matches += _terms.ContainsAny(script) ? 1 : 0;
        }

        return matches;
    }

    [Benchmark(OperationsPerInvoke = 3)]
    public int TokenizeEachPerScript()
    {
        var matches = 0;
        foreach (var script in Scripts)
        {
            matches += TextAnalysis.ContainsAnyToken(script, Words) ? 1 : 0;
        }

        return matches;
    }
}
