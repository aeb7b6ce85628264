using Rules.Language.Compilation;
using Rules.Language.Ir;
using Rules.Language.Optimization;
using Rules.Language.Schema;
using Rules.Tests.Generator;

namespace Rules.Tests.Engine;

/// <summary>Which necessary condition the generator picks for a rule (Optimization/PrefilterSelection).</summary>
public class PrefilterSelectionTests
{
    private static string? Prefilter(string query, string language = "eql", int conditions = PrefilterSelection.MaximumConditions)
    {
        var file = CompiledRuleSet.Rule(query, language);
        var plan = (EventQueryPlan)RuleCompiler.Compile(file.Path, file.GetText()!.ToString(), FieldCatalog.BuiltIn).Plan!;
        var prefilter = PrefilterSelection.Select(plan, conditions);
        return prefilter is null ? null : string.Join(" & ", prefilter.Conditions.Select(c => string.Join(" | ", c.Atoms.Select(a => $"{a.Field.Path} {a.Kind} {a.Literal}{(a.Offset > 0 ? "@" + a.Offset : string.Empty)}"))));
    }

    [Fact]
    public void Exact_values_win_and_cheap_conjuncts_follow_most_selective_first()
    {
        Assert.Equal("process.name Exact cmd.exe | process.name Exact pwsh.exe & process.executable Prefix :\\Windows\\@1 & host.os.type Exact windows",
            Prefilter("process where host.os.type == \"windows\" and process.executable : \"?:\\\\Windows\\\\*\" and process.name : (\"cmd.exe\", \"pwsh.exe\")"));
        // At most four conditions; contained literals and presence only as the first (searching a command line for
        // a condition that cannot narrow further than the first costs more than it saves).
        Assert.Equal("process.name Exact a.exe & event.action Exact exec & host.os.type Exact windows & event.type Exact start",
            Prefilter("process where host.os.type == \"windows\" and event.type == \"start\" and process.name == \"a.exe\" and process.command_line : \"*-encodedcommand*\" and process.args_count > 2 and event.action == \"exec\" and user.name != \"root\""));
        Assert.Equal("process.command_line Contains -encodedcommand & host.os.type Exact linux",
            Prefilter("process where host.os.type == \"linux\" and process.command_line : \"*-encodedcommand*\""));
        // What the generator emits: the first condition only.
        Assert.Equal("process.command_line Contains -encodedcommand",
            Prefilter("process where host.os.type == \"linux\" and process.command_line : \"*-encodedcommand*\"", conditions: PrefilterSelection.GeneratedConditions));
    }

    [Fact]
    public void Low_cardinality_fields_index_a_rule_only_when_nothing_else_does_and_only_by_exact_values()
    {
        Assert.Equal("host.os.type Exact windows & event.type Exact start",
            Prefilter("process where host.os.type == \"windows\" and event.type == \"start\""));
        Assert.Equal("event.kind Exact alert", Prefilter("event.kind:alert and host.os.type:win*", "kuery"));
        Assert.Null(Prefilter("process where host.os.type : \"win*\""));
    }

    [Fact]
    public void Leading_question_marks_become_an_offset_and_long_inner_literals_beat_short_prefixes()
    {
        Assert.Equal("process.executable Prefix :\\PerfLogs\\@1 | process.executable Contains \\AppData\\Local\\Temp\\",
            Prefilter("process where process.executable : (\"?:\\\\PerfLogs\\\\*.exe\", \"?:\\\\Users\\\\*\\\\AppData\\\\Local\\\\Temp\\\\*\")"));
        Assert.Equal("file.path Suffix .vbs", Prefilter("file where file.path : \"*.vbs\""));
    }

    [Fact]
    public void An_or_needs_a_prefilter_on_every_side_and_not_gives_none()
    {
        Assert.Equal("process.name Exact a.exe | process.pe.original_file_name Exact A.EXE",
            Prefilter("process where process.name : \"a.exe\" or process.pe.original_file_name == \"A.EXE\""));
        Assert.Null(Prefilter("process where process.name : \"a.exe\" or length(process.command_line) > 3"));
        Assert.Equal("process.name Exact a.exe | process.args_count Exists ", Prefilter("process where process.name : \"a.exe\" or process.args_count > 3"));
        // Under NOT no atom is taken from the test itself; EQL's null rule adds the field's exists test beside it.
        Assert.Equal("process.name Exists ", Prefilter("process where not process.name : \"a.exe\""));
        Assert.Null(Prefilter("event.category:process and not process.name:a.exe", "kuery"));
        Assert.Equal("process.name Exists ", Prefilter("process where process.name : (\"*\", \"a.exe\")"));
    }

    [Fact]
    public void Common_values_lose_to_names_alert_kinds_and_integration_fields()
    {
        // event.action "start" / "exec" is what most process events carry; a name prefix is rare.
        Assert.Equal("process.name Prefix kworker | process.name Prefix kthread",
            Prefilter("process where event.action in (\"exec\", \"exec_event\", \"start\") and process.name : (\"kworker*\", \"kthread*\")", conditions: 1));
        // An event.kind other than "event" is a small part of a stream; event.module "endpoint" is most of it.
        Assert.Equal("event.kind Exact alert", Prefilter("event.kind:alert and event.module:(endpoint and not endgame)", "kuery", conditions: 1));
        Assert.Equal("event.module Exact endpoint", Prefilter("event.kind:event and event.module:endpoint", "kuery", conditions: 1));
        // An integration's own field is only in that integration's events; Elastic Defend's *.Ext.* fields are in most.
        Assert.Equal("winlog.event_data.TaskName Exists ",
            Prefilter("event.action:\"scheduled-task-created\" and winlog.event_data.TaskName:*", "kuery", conditions: 1));
        Assert.Equal("event.action Exact rename", Prefilter("event.action:rename and file.Ext.original.extension:*", "kuery", conditions: 1));
        // However long, a name prefix is no better than an exact value, and a dataset beats both.
        Assert.Equal("data_stream.dataset Exact aws.cloudtrail",
            Prefilter("data_stream.dataset:aws.cloudtrail and user.name:system\\:serviceaccount\\:*", "kuery", conditions: 1));
        // A name's tail is mostly its extension.
        Assert.Equal("process.parent.name Exact services.exe",
            Prefilter("process where event.action == \"start\" and process.name : \"*.exe\" and process.parent.name : \"services.exe\"", conditions: 1));
    }

    [Fact]
    public void Integer_equality_on_a_single_valued_ECS_field_is_an_exact_value()
    {
        Assert.Equal("destination.port Exact 23 | destination.port Exact 2323",
            Prefilter("network where destination.port in (23, 2323) and network.transport == \"tcp\"", conditions: 1));
        Assert.Equal("destination.port Exact 23", Prefilter("destination.port:23 and event.category:network", "kuery", conditions: 1));
        Assert.Equal("process.parent.pid Exact 4", Prefilter("process where process.parent.pid == 4 and process.executable : \"?*\"", conditions: 1));
        // Not equality, not an integer literal: presence only.
        Assert.Equal("destination.port Exists ", Prefilter("network where destination.port != 23"));
        Assert.Equal("destination.port Exists ", Prefilter("network where destination.port == 23.5"));
    }

    [Fact]
    public void Tests_without_literals_need_their_field()
    {
        Assert.Equal("powershell.file.script_block_text Exists ",
            Prefilter("event.category:process and powershell.file.script_block_text:(\"Invoke-Mimikatz\" or \"DumpCreds\")", "kuery"));
        Assert.Equal("destination.port Exists ", Prefilter("network where destination.port > 1023"));
    }
}
