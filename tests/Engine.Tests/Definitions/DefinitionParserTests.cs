using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Definitions;

public sealed class DefinitionParserTests
{
    private static WorkflowDefinition Valid(string json, DefinitionLimits? limits = null)
    {
        var result = DefinitionParser.Parse(json, limits);
        Assert.True(result.IsValid, "unexpected errors:\n" + string.Join("\n", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return result.Definition!;
    }

    private static string Doc(string nodes, string extra = "") =>
        $$"""{ "name": "test-flow", {{extra}} "nodes": { {{nodes}} } }""";

    private static T Single<T>(WorkflowDefinition definition, string id) where T : NodeDefinition =>
        Assert.IsType<T>(definition.Nodes.Single(n => n.Id == id));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")) || Directory.Exists(Path.Combine(dir.FullName, "samples")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "samples"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Parse_Sample_IsValid(string file)
    {
        var definition = Valid(File.ReadAllText(Path.Combine(RepoRoot(), "samples", file)));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), definition.Name);
    }

    [Fact]
    public void Parse_DocumentFields_BuildsModel()
    {
        var definition = Valid("""
            {
              "$schema": "https://example.com/workflow.schema.json",
              "name": "order-42",
              "description": "text",
              "timeout": "PT1H",
              "defaults": { "retry": { "maxAttempts": 5 }, "timeout": "PT30S" },
              "nodes": { "a": { "type": "set", "value": 1 } },
              "output": "${{ nodes.a.output }}"
            }
            """);

        Assert.Equal("order-42", definition.Name);
        Assert.Equal("text", definition.Description);
        Assert.Equal(TimeSpan.FromHours(1), definition.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), definition.Defaults.Timeout);
        var retry = Assert.Single(definition.Defaults.Retry);
        Assert.Equal(RetryPolicy.Default with { MaxAttempts = 5, Errors = retry.Errors }, retry);
        Assert.Equal(["ALL"], retry.Errors.ToArray());
        Assert.NotNull(definition.Output);
        Assert.Equal("/output", definition.Output.Pointer);
        Assert.Equal(["a"], definition.Output.ReferencedNodes.ToArray());
    }

    [Fact]
    public void Parse_MinimalDocument_HasNoDefaultsNorOutput()
    {
        var definition = Valid(Doc("""  "a": { "type": "set", "value": null } """));

        Assert.Null(definition.Description);
        Assert.Null(definition.Timeout);
        Assert.Empty(definition.Defaults.Retry);
        Assert.Null(definition.Defaults.Timeout);
        Assert.Null(definition.Output);
    }

    [Fact]
    public void Parse_NodesInDocumentOrder_KeepOrderAndPointers()
    {
        var definition = Valid(Doc("""
            "z": { "type": "set", "value": 1 },
            "a": { "type": "set", "value": 2 },
            "m": { "type": "set", "value": 3 }
            """));

        Assert.Equal(["z", "a", "m"], definition.Nodes.Select(n => n.Id));
        Assert.Equal(["/nodes/z", "/nodes/a", "/nodes/m"], definition.Nodes.Select(n => n.Pointer));
    }

    [Fact]
    public void Parse_HttpNode_BuildsModel()
    {
        var definition = Valid(Doc("""
            "call": {
              "type": "http",
              "request": {
                "method": "POST",
                "url": "https://api.example.com/x/${{ input.id }}",
                "headers": { "Authorization": "Bearer ${{ secrets.TOKEN }}", "X-Trace": "t" },
                "query": { "page": 2, "all": true, "q": "${{ input.q }}" },
                "body": { "a": [1, "${{ input.a }}"] }
              },
              "successCodes": [204, "2xx", "300-304"],
              "timeout": "PT10S",
              "auth": { "type": "managedIdentity", "resource": "api://backend" },
              "idempotencyKeyHeader": "Idempotency-Key",
              "retry": { "errors": ["HttpError:5xx", "Timeout"], "interval": "PT0.5S", "jitter": "none" },
              "select": "${{ output.body }}",
              "if": "${{ input.go }}"
            }
            """));

        var http = Single<HttpNode>(definition, "call");
        Assert.Equal("/nodes/call/request", http.Request.Pointer);
        Assert.True(http.Request.UsesSecrets);
        Assert.Equal([new StatusRange(204, 204), new StatusRange(200, 299), new StatusRange(300, 304)], http.SuccessCodes.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(10), http.Timeout);
        Assert.Equal("api://backend", http.ManagedIdentityResource);
        Assert.Equal("Idempotency-Key", http.IdempotencyKeyHeader);
        var retry = Assert.Single(http.Retry!.Value);
        Assert.Equal(["HttpError:5xx", "Timeout"], retry.Errors.ToArray());
        Assert.Equal(3, retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), retry.Interval);
        Assert.Equal(2.0, retry.Backoff);
        Assert.Equal(TimeSpan.FromHours(1), retry.MaxInterval);
        Assert.Equal(JitterKind.None, retry.Jitter);
        Assert.Equal("/nodes/call/select", http.Select!.Pointer);
        Assert.Equal("/nodes/call/if", http.If!.Pointer);
        Assert.True(http.RunAfter.IsEmpty);
    }

    [Fact]
    public void Parse_HttpNodeWithoutOptionalFields_UsesDefaults()
    {
        var http = Single<HttpNode>(Valid(Doc("""
            "call": { "type": "http", "request": { "method": "GET", "url": "http://localhost:8080/" } }
            """)), "call");

        Assert.Equal([new StatusRange(200, 299)], http.SuccessCodes.ToArray());
        Assert.Null(http.Timeout);
        Assert.Null(http.Retry);
        Assert.Null(http.ManagedIdentityResource);
        Assert.Null(http.IdempotencyKeyHeader);
        Assert.False(http.Request.UsesSecrets);
    }

    [Fact]
    public void Parse_TemplatedMethod_IsAccepted()
    {
        var http = Single<HttpNode>(Valid(Doc("""
            "call": { "type": "http", "request": { "method": "${{ input.method }}", "url": "${{ input.url }}" } }
            """)), "call");

        Assert.False(http.Request.IsConstant);
    }

    [Fact]
    public void Parse_RetryArrayAndEmptyRetry_KeepOrderOrRunOnce()
    {
        var definition = Valid(Doc("""
            "a": {
              "type": "activity", "activity": "Charge", "input": { "x": "${{ input.x }}" }, "timeout": "PT2M",
              "retry": [ { "errors": ["HttpError:429"], "maxAttempts": 10, "backoff": 1 }, { "maxInterval": "PT2S", "interval": "PT2S" } ]
            },
            "b": { "type": "activity", "activity": "Other", "retry": [] }
            """, """ "defaults": { "retry": [{ "maxAttempts": 2 }] }, """));

        var a = Single<ActivityNode>(definition, "a");
        Assert.Equal("Charge", a.Activity);
        Assert.Equal(TimeSpan.FromMinutes(2), a.Timeout);
        Assert.NotNull(a.Input);
        Assert.Equal(2, a.Retry!.Value.Length);
        Assert.Equal(new RetryPolicy(["HttpError:429"], 10, TimeSpan.FromSeconds(1), 1.0, TimeSpan.FromHours(1), JitterKind.Full) with { Errors = a.Retry.Value[0].Errors }, a.Retry.Value[0]);
        Assert.Equal(["HttpError:429"], a.Retry.Value[0].Errors.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(2), a.Retry.Value[1].MaxInterval);
        var b = Single<ActivityNode>(definition, "b");
        Assert.True(b.Retry!.Value.IsEmpty);
        Assert.Null(b.Input);
        Assert.Equal(2, Assert.Single(definition.Defaults.Retry).MaxAttempts);
    }

    [Fact]
    public void Parse_SwitchNode_CasesInOrderAndOutcomesExpanded()
    {
        var definition = Valid(Doc("""
            "pick": {
              "type": "switch",
              "cases": { "big": "${{ input.n > 10 }}", "small": "${{ input.n > 0 }}" },
              "default": "none"
            },
            "onBig": { "type": "set", "runAfter": { "pick": ["big"] }, "value": 1 },
            "always": { "type": "set", "runAfter": ["pick"], "value": 2 },
            "either": { "type": "set", "runAfter": { "pick": ["none", "failed"] }, "value": 3 }
            """));

        var pick = Single<SwitchNode>(definition, "pick");
        Assert.Equal(["big", "small"], pick.Cases.Select(c => c.Name));
        Assert.Equal("/nodes/pick/cases/big", pick.Cases[0].Condition.Pointer);
        Assert.Equal("none", pick.Default);
        Assert.Equal([new RunAfter("pick", ["big"])], Single<SetNode>(definition, "onBig").RunAfter, RunAfterComparer.Instance);
        Assert.Equal(["succeeded", "big", "small", "none"], Assert.Single(Single<SetNode>(definition, "always").RunAfter).Outcomes.ToArray());
        Assert.Equal(["none", "failed"], Assert.Single(Single<SetNode>(definition, "either").RunAfter).Outcomes.ToArray());
    }

    [Fact]
    public void Parse_SwitchDefaultNamingACase_IsOneOutcome()
    {
        var definition = Valid(Doc("""
            "pick": { "type": "switch", "cases": { "yes": "${{ input.ok }}", "no": "${{ !input.ok }}" }, "default": "no" },
            "after": { "type": "set", "runAfter": ["pick"], "value": 1 }
            """));

        Assert.Equal(["succeeded", "yes", "no"], Assert.Single(Single<SetNode>(definition, "after").RunAfter).Outcomes.ToArray());
    }

    [Fact]
    public void Parse_RunAfterForms_BuildEntries()
    {
        var definition = Valid(Doc("""
            "a": { "type": "set", "value": 1 },
            "b": { "type": "set", "value": 2 },
            "c": { "type": "set", "runAfter": ["a", "b"], "value": 3 },
            "d": { "type": "set", "runAfter": { "a": ["succeeded"], "c": ["failed", "skipped", "failed"] }, "value": 4 }
            """));

        Assert.Equal([new RunAfter("a", ["succeeded"]), new RunAfter("b", ["succeeded"])], Single<SetNode>(definition, "c").RunAfter, RunAfterComparer.Instance);
        Assert.Equal([new RunAfter("a", ["succeeded"]), new RunAfter("c", ["failed", "skipped"])], Single<SetNode>(definition, "d").RunAfter, RunAfterComparer.Instance);
    }

    [Fact]
    public void Parse_ForeachNode_BuildsBodyScope()
    {
        var definition = Valid(Doc("""
            "list": { "type": "set", "value": [1, 2, 3] },
            "each": {
              "type": "foreach",
              "runAfter": ["list"],
              "items": "${{ nodes.list.output }}",
              "maxConcurrency": 0,
              "toleratedFailures": "12.5%",
              "body": {
                "nodes": {
                  "double": { "type": "set", "value": "${{ item * 2 + nodes.list.output.length }}" },
                  "inner": { "type": "set", "runAfter": ["double"], "value": "${{ nodes.double.output + index }}" }
                },
                "output": "${{ nodes.inner.output }}"
              }
            },
            "total": { "type": "set", "runAfter": ["each"], "value": "${{ nodes.each.output.length }}" }
            """));

        var each = Single<ForeachNode>(definition, "each");
        Assert.Equal("/nodes/each/items", each.Items.Pointer);
        Assert.Equal(0, each.MaxConcurrency);
        Assert.Equal(12.5, each.ToleratedFailures.Percent);
        Assert.Equal(1, each.ToleratedFailures.For(10));
        Assert.Equal("/nodes/each/body", each.Body.Pointer);
        Assert.Equal(["double", "inner"], each.Body.Nodes.Select(n => n.Id));
        Assert.Equal("/nodes/each/body/nodes/inner", each.Body.Nodes[1].Pointer);
        Assert.Equal("/nodes/each/body/output", each.Body.Output!.Pointer);
        Assert.Equal(3, definition.Nodes.Length);
    }

    [Fact]
    public void Parse_ForeachDefaults_TenAtOnceNoTolerance()
    {
        var each = Single<ForeachNode>(Valid(Doc("""
            "each": { "type": "foreach", "items": "${{ input.items }}", "body": { "nodes": { "x": { "type": "set", "value": "${{ item }}" } } } }
            """)), "each");

        Assert.Equal(10, each.MaxConcurrency);
        Assert.Equal(ToleratedFailures.None, each.ToleratedFailures);
        Assert.Null(each.Body.Output);
    }

    [Fact]
    public void Parse_ToleratedFailuresCount_IsCount()
    {
        var each = Single<ForeachNode>(Valid(Doc("""
            "each": { "type": "foreach", "items": "${{ input.items }}", "toleratedFailures": 3, "body": { "nodes": { "x": { "type": "set", "value": 1 } } } }
            """)), "each");

        Assert.Equal(new ToleratedFailures(3, null), each.ToleratedFailures);
    }

    [Fact]
    public void Parse_LoopNode_BuildsModel()
    {
        var definition = Valid(Doc("""
            "seed": { "type": "set", "value": 0 },
            "count": {
              "type": "loop",
              "runAfter": ["seed"],
              "maxIterations": 7,
              "until": "${{ output >= 5 && nodes.step.status === 'succeeded' }}",
              "body": {
                "nodes": { "step": { "type": "set", "value": "${{ (previous ?? nodes.seed.output) + iteration }}" } },
                "output": "${{ nodes.step.output }}"
              }
            }
            """));

        var loop = Single<LoopNode>(definition, "count");
        Assert.Equal(7, loop.MaxIterations);
        Assert.Equal("/nodes/count/until", loop.Until.Pointer);
        Assert.Equal(["step"], loop.Until.ReferencedNodes.ToArray());
        Assert.Equal("/nodes/count/body/nodes/step", Assert.Single(loop.Body.Nodes).Pointer);
    }

    [Fact]
    public void Parse_NestedBodies_PointersAndOuterVisibility()
    {
        var definition = Valid(Doc("""
            "top": { "type": "set", "value": [[1]] },
            "outer": {
              "type": "foreach", "runAfter": ["top"], "items": "${{ nodes.top.output }}",
              "body": { "nodes": {
                "first": { "type": "set", "value": "${{ item }}" },
                "inner": {
                  "type": "foreach", "runAfter": ["first"], "items": "${{ nodes.first.output }}",
                  "body": { "nodes": { "leaf": { "type": "set", "value": "${{ [item, nodes.first.output, nodes.top.output] }}" } } }
                }
              } }
            }
            """));

        var outer = Single<ForeachNode>(definition, "outer");
        var inner = Assert.IsType<ForeachNode>(outer.Body.Nodes[1]);
        Assert.Equal("/nodes/outer/body/nodes/inner/body/nodes/leaf", Assert.Single(inner.Body.Nodes).Pointer);
        Assert.Equal("/nodes/outer/body/nodes/inner/body", inner.Body.Pointer);
    }

    [Fact]
    public void Parse_WaitNodes_DurationOrUntil()
    {
        var definition = Valid(Doc("""
            "pause": { "type": "wait", "duration": "P1DT2H" },
            "until": { "type": "wait", "until": "2026-12-24T18:00:00+01:00" },
            "later": { "type": "wait", "until": "${{ input.when }}" }
            """));

        Assert.Equal(TimeSpan.FromHours(26), Single<WaitNode>(definition, "pause").Duration);
        Assert.Null(Single<WaitNode>(definition, "pause").Until);
        Assert.True(Single<WaitNode>(definition, "until").Until!.IsConstant);
        Assert.Null(Single<WaitNode>(definition, "later").Duration);
        Assert.False(Single<WaitNode>(definition, "later").Until!.IsConstant);
    }

    [Fact]
    public void Parse_EventWorkflowFailNodes_BuildModel()
    {
        var definition = Valid(Doc("""
            "approval": { "type": "event", "event": "manager.approved", "timeout": "P2W" },
            "child": { "type": "workflow", "workflow": "child-flow", "version": 3, "input": { "a": "${{ input.a }}" }, "retry": { "errors": ["Timeout"] } },
            "latest": { "type": "workflow", "workflow": "child-flow" },
            "stop": { "type": "fail", "runAfter": { "approval": ["failed"] }, "error": "Contoso.NotApproved", "message": "no answer for ${{ input.id }}" },
            "bare": { "type": "fail", "error": "Bare" }
            """));

        var approval = Single<EventNode>(definition, "approval");
        Assert.Equal("manager.approved", approval.EventName);
        Assert.Equal(TimeSpan.FromDays(14), approval.Timeout);
        var child = Single<WorkflowNode>(definition, "child");
        Assert.Equal("child-flow", child.Workflow);
        Assert.Equal(3, child.Version);
        Assert.NotNull(child.Input);
        Assert.Equal(["Timeout"], Assert.Single(child.Retry!.Value).Errors.ToArray());
        Assert.Null(Single<WorkflowNode>(definition, "latest").Version);
        Assert.Null(Single<WorkflowNode>(definition, "latest").Retry);
        var stop = Single<FailNode>(definition, "stop");
        Assert.Equal("Contoso.NotApproved", stop.ErrorType);
        Assert.Equal("/nodes/stop/message", stop.Message!.Pointer);
        Assert.Null(Single<FailNode>(definition, "bare").Message);
    }

    [Fact]
    public void Parse_SetNodeAndSelect_ReadAncestorsOnly()
    {
        var definition = Valid(Doc("""
            "a": { "type": "set", "value": { "x": 1 } },
            "b": { "type": "set", "runAfter": ["a"], "value": 2 },
            "c": { "type": "set", "runAfter": ["b"], "value": "${{ nodes.a.output.x + nodes['b'].output }}", "select": "${{ output * 2 }}" }
            """));

        var c = Single<SetNode>(definition, "c");
        Assert.Equal(["a", "b"], c.Value.ReferencedNodes.Order(StringComparer.Ordinal));
        Assert.Empty(c.Select!.ReferencedNodes);
    }

    [Fact]
    public void Parse_InvalidJson_ReportsLineAtRoot()
    {
        var result = DefinitionParser.Parse("{\n  \"name\": \"x\",\n  \"nodes\": { ]\n}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("", error.Path);
        Assert.Contains("invalid JSON at line 3", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Definition);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreInvalidJson()
    {
        Assert.Contains("invalid JSON", Assert.Single(DefinitionParser.Parse("{ // c\n \"name\": \"a\" }").Errors).Message, StringComparison.Ordinal);
        Assert.Contains("invalid JSON", Assert.Single(DefinitionParser.Parse("{ \"name\": \"a\", }").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DocumentOverSizeLimit_ReportsSize()
    {
        var json = Doc("""  "a": { "type": "set", "value": "é" } """);
        var limits = new DefinitionLimits { MaxDocumentBytes = System.Text.Encoding.UTF8.GetByteCount(json) - 1 };

        var error = Assert.Single(DefinitionParser.Parse(json, limits).Errors);

        Assert.Equal("", error.Path);
        Assert.Contains("bytes", error.Message, StringComparison.Ordinal);
        Assert.True(DefinitionParser.Parse(json, limits with { MaxDocumentBytes = limits.MaxDocumentBytes + 1 }).IsValid);
    }

    [Fact]
    public void Parse_TooManyNodesIncludingBodies_ReportsCount()
    {
        var json = Doc("""
            "a": { "type": "set", "value": 1 },
            "each": { "type": "foreach", "items": "${{ input.x }}", "body": { "nodes": { "b": { "type": "set", "value": 1 } } } }
            """);

        var error = Assert.Single(DefinitionParser.Parse(json, new DefinitionLimits { MaxNodes = 2 }).Errors);

        Assert.Equal("/nodes", error.Path);
        Assert.Contains("3 nodes", error.Message, StringComparison.Ordinal);
        Valid(json, new DefinitionLimits { MaxNodes = 3 });
    }

    [Fact]
    public void Parse_TooManyNodes_StillReportsIdProblemsButReadsNoFurther()
    {
        var json = Doc("""
            "a": { "type": "set", "value": 1 },
            "a": { "type": "set", "value": 2 },
            "b c": { "type": "nonsense" }
            """);

        var errors = DefinitionParser.Parse(json, new DefinitionLimits { MaxNodes = 2 }).Errors;

        Assert.Equal(["/nodes", "/nodes/a", "/nodes/b c"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_ChainAtTheNodeLimit_IsValid()
    {
        var nodes = string.Join(",\n", Enumerable.Range(0, 500).Select(i => i == 0
            ? "\"n0\": { \"type\": \"set\", \"value\": 0 }"
            : $"\"n{i}\": {{ \"type\": \"set\", \"runAfter\": [\"n{i - 1}\"], \"value\": \"${{{{ nodes.n{i - 1}.output + 1 }}}}\" }}"));

        var definition = Valid(Doc(nodes, """ "output": "${{ nodes.n499.output }}", """));

        Assert.Equal(500, definition.Nodes.Length);
        Assert.Equal("n498", Assert.Single(definition.Nodes[499].RunAfter).NodeId);
    }

    [Fact]
    public void Parse_BodiesNestedTooDeep_ReportsDeepestBody()
    {
        static string Nest(int depth, string id) => depth == 0
            ? $$"""{ "type": "set", "value": 1 }"""
            : """{ "type": "loop", "until": "${{ true }}", "maxIterations": 1, "body": { "nodes": { """
                + $"\"{id}{depth}\": {Nest(depth - 1, id)}" + " } } }";
        var json = Doc($"\"top\": {Nest(3, "l")}");

        var error = Assert.Single(DefinitionParser.Parse(json, new DefinitionLimits { MaxDepth = 2 }).Errors);

        Assert.Equal("/nodes/top/body/nodes/l3/body/nodes/l2/body", error.Path);
        Assert.Contains("at most 2", error.Message, StringComparison.Ordinal);
        Valid(json, new DefinitionLimits { MaxDepth = 3 });
    }

    [Fact]
    public void Parse_FieldNamesNeedingEscapes_PointersAreEscaped()
    {
        var result = DefinitionParser.Parse(Doc("""
            "a": { "type": "http", "request": { "method": "GET", "url": "https://x.test/", "headers": { "bad/name~": "v" } } }
            """, """ "a/b~c": 1, """));

        Assert.Equal(["/a~1b~0c", "/nodes/a/request/headers/bad~1name~0"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_DocumentWithManyProblems_ReportsEveryOneAtOnce()
    {
        var result = DefinitionParser.Parse("""
            {
              "name": "Bad Name",
              "timeout": "P1M",
              "colour": "blue",
              "defaults": { "retry": { "maxAttempts": 0, "jitter": "some" }, "timeout": "PT0S" },
              "nodes": {
                "1st": { "type": "set", "value": 1 },
                "fetch": { "type": "http", "request": { "method": "FETCH" }, "timeout": "forever" },
                "pick": { "type": "switch", "cases": { "failed": "${{ true }}" }, "runAfter": ["nowhere"] },
                "next": { "type": "set", "runAfter": { "fetch": ["done"] }, "value": "${{ nodes.pick.output }}" },
                "loop": { "type": "loop", "body": { "nodes": { "x": { "type": "set", "value": 1 } } } },
                "c1": { "type": "set", "runAfter": ["c2"], "value": 1 },
                "c2": { "type": "set", "runAfter": ["c1"], "value": 2, "retry": {} },
                "odd": { "type": "teleport" }
              },
              "output": "${{ nodes.x.output }}"
            }
            """);

        var expected = new[]
        {
            "/name", "/timeout", "/colour", "/defaults/retry/maxAttempts", "/defaults/retry/jitter", "/defaults/timeout",
            "/nodes/1st", "/nodes/fetch/request", "/nodes/fetch/request/method", "/nodes/fetch/timeout",
            "/nodes/pick/cases/failed", "/nodes/pick/runAfter/0", "/nodes/next/runAfter/fetch/0", "/nodes/next/value",
            "/nodes/loop", "/nodes/c1/runAfter", "/nodes/c2/retry", "/nodes/odd/type", "/output",
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Errors.Select(e => e.Path).Distinct().Order(StringComparer.Ordinal));
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Parse_ValidDocument_IsDeterministic()
    {
        var json = File.ReadAllText(Path.Combine(RepoRoot(), "samples", "order-fulfilment.json"));

        var first = DefinitionParser.Parse(json).Definition!;
        var second = DefinitionParser.Parse(json).Definition!;

        Assert.Equal(first.Nodes.Select(n => (n.Id, n.Pointer, string.Join(",", n.RunAfter.Select(r => r.NodeId + ":" + string.Join("|", r.Outcomes))))),
            second.Nodes.Select(n => (n.Id, n.Pointer, string.Join(",", n.RunAfter.Select(r => r.NodeId + ":" + string.Join("|", r.Outcomes))))));
    }

    [Fact]
    public void Parse_Null_Throws() => Assert.Throws<ArgumentNullException>(() => DefinitionParser.Parse(null!));

    private sealed class RunAfterComparer : IEqualityComparer<RunAfter>
    {
        public static RunAfterComparer Instance { get; } = new();

        public bool Equals(RunAfter? x, RunAfter? y) =>
            x is not null && y is not null && x.NodeId == y.NodeId && x.Outcomes.SequenceEqual(y.Outcomes);

        public int GetHashCode(RunAfter obj) => obj.NodeId.GetHashCode(StringComparison.Ordinal);
    }
}
