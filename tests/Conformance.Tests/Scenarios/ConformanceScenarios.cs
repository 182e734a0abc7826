using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Conformance.Tests.Runners;
using Serverless.Engine.Decisions;

namespace Serverless.Conformance.Tests.Scenarios;

/// <summary>
/// The conformance scenarios: every node type and rule of the workflow format, each with its expected result.
/// Timings are short (waits, timeouts and retry intervals of 1-2 s) and every wait is bounded by the scenario's token.
/// </summary>
public static class ConformanceScenarios
{
    /// <summary>Every scenario, by name.</summary>
    public static ImmutableDictionary<string, Scenario> All { get; } = new[]
    {
        FanOutFanIn(),
        ForeachWithinTolerance(),
        ForeachBeyondTolerance(),
        RetryWithBackoff(),
        RetryAfterFloor(),
        EventWithTimeout(),
        EventsPerNameFifo(),
        Wait(),
        Loop(),
        SwitchIfAndSkipped(),
        FailNode(),
        ChildWorkflow(),
        Terminate(),
        SuspendResume(),
        RerunFailed(),
        InstanceTimeout(),
        LargeValue(),
        ContinueAsNew(),
        RefusedSemanticsVersion(),
    }.ToImmutableDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Scenario names for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static ImmutableDictionary<string, Expected> Expect(params (string Role, Expected Expected)[] instances)
        => instances.ToImmutableDictionary(i => i.Role, i => i.Expected, StringComparer.Ordinal);

    private static Scenario FanOutFanIn() => new(
        "fan-out-fan-in",
        "independent nodes run in parallel; a node after several waits for all of them; an output template",
        ["""
         {"name":"conf-fan","nodes":{
           "a":{"type":"activity","activity":"double","input":"${{ input.x }}"},
           "b":{"type":"activity","activity":"double","input":"${{ input.y }}"},
           "c":{"type":"activity","activity":"echo","input":"${{ input.z }}"},
           "sum":{"type":"set","runAfter":["a","b","c"],"value":"${{ nodes.a.output + nodes.b.output + nodes.c.output }}"}},
          "output":{"sum":"${{ nodes.sum.output }}","parts":["${{ nodes.a.output }}","${{ nodes.b.output }}","${{ nodes.c.output }}"]}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-fan", "1", """{"x":1,"y":2,"z":3}""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("""{"sum":9,"parts":[2,4,3]}""", "a succeeded 1", "b succeeded 1", "c succeeded 1", "sum succeeded 0"))));

    private static Scenario ForeachWithinTolerance() => new(
        "foreach-within-tolerance",
        "foreach with maxConcurrency 2 and toleratedFailures \"50%\": failed items within the tolerance give null, in item order",
        ["""
         {"name":"conf-each-ok","nodes":{
           "each":{"type":"foreach","items":"${{ input }}","maxConcurrency":2,"toleratedFailures":"50%",
                   "body":{"nodes":{"work":{"type":"activity","activity":"flaky",
                                            "input":{"failures":"${{ item.fail ? 1 : 0 }}","value":"${{ index * 10 }}"}}},
                           "output":"${{ nodes.work.output }}"}}},
          "output":"${{ nodes.each.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-each-ok", "1", """[{},{"fail":true},{},{"fail":true}]""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed(
            "[0,null,20,null]",
            "each succeeded 0",
            "each[0] succeeded 0", "each[0].work succeeded 1",
            "each[1] failed 0", "each[1].work failed 1",
            "each[2] succeeded 0", "each[2].work succeeded 1",
            "each[3] failed 0", "each[3].work failed 1"))));

    private static Scenario ForeachBeyondTolerance() => new(
        "foreach-beyond-tolerance",
        "a failure beyond toleratedFailures fails the foreach with ItemsFailed (details [{index, error}]), cancels running items, starts no more",
        ["""
         {"name":"conf-each-fail","nodes":{
           "each":{"type":"foreach","items":"${{ input }}","maxConcurrency":3,"toleratedFailures":0,
                   "body":{"nodes":{
                     "hold":{"type":"event","event":"never","if":"${{ item.hold === true }}"},
                     "work":{"type":"activity","activity":"flaky","runAfter":{"hold":["succeeded","skipped"]},
                             "input":{"failures":"${{ item.fail ? 1 : 0 }}","value":"${{ index }}"}}},
                     "output":"${{ nodes.work.output }}"}}}}
         """],
        async ctx =>
        {
            // Items 0 and 1 wait for an event that never comes, so they are running (deterministically) when item 2
            // fails; item 3 is beyond maxConcurrency and must never start. Nodes of an ended scope that never started
            // are cancelled too (docs/engine.md), so every node of it has one final status.
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-each-fail", "1", """[{"hold":true},{"hold":true},{"fail":true},{}]""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Failed(
            "ItemsFailed",
            "1 of the 4 items of foreach 'each' failed; it tolerates 0.",
            "each failed 0",
            "each[0] cancelled 0", "each[0].hold cancelled 0", "each[0].work cancelled 0",
            "each[1] cancelled 0", "each[1].hold cancelled 0", "each[1].work cancelled 0",
            "each[2] failed 0", "each[2].hold skipped 0", "each[2].work failed 1")
            .WithDetails("""[{"index":2,"error":{"type":"Timeout","message":"attempt 1 timed out"}}]"""))));

    private static Scenario RetryWithBackoff() => new(
        "retry-with-backoff",
        "retry on a durable timer with backoff 2 (1 s, then 2 s; attempts counted); exhausted retries fail the node, handled by a node accepting failed",
        ["""
         {"name":"conf-retry","nodes":{
           "call":{"type":"activity","activity":"flaky","input":{"failures":2,"value":"third time"},
                   "retry":{"errors":["Timeout"],"maxAttempts":3,"interval":"PT1S","backoff":2,"jitter":"none"}},
           "once":{"type":"activity","activity":"flaky","input":{"failures":5,"value":"never"},
                   "retry":{"errors":["Timeout"],"maxAttempts":2,"interval":"PT1S","jitter":"none"}},
           "caught":{"type":"set","runAfter":{"once":["failed"]},"value":"${{ nodes.once.error.type }}"}},
          "output":{"call":"${{ nodes.call.output }}","caught":"${{ nodes.caught.output }}"}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-retry", "1", "{}");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("""{"call":"third time","caught":"Timeout"}""", "call succeeded 3", "once failed 2", "caught succeeded 0"))),
        (outcome, runner) =>
        {
            AssertLasted(outcome.Instances["1"].Node("call"), TimeSpan.FromSeconds(3), runner, "two retry delays of 1 s and 2 s");
            AssertLasted(outcome.Instances["1"].Node("once"), TimeSpan.FromSeconds(1), runner, "one retry delay of 1 s");
        });

    private static Scenario RetryAfterFloor() => new(
        "retry-after-floor",
        "a Retry-After hint (429, 1 s) raises the retry delay above the retrier's 0.1 s interval",
        ["""
         {"name":"conf-throttle","nodes":{
           "call":{"type":"activity","activity":"throttled","input":{"retryAfterMs":1000,"value":"ok"},
                   "retry":{"errors":["HttpError:429"],"maxAttempts":3,"interval":"PT0.1S","backoff":1,"jitter":"none"}}},
          "output":"${{ nodes.call.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-throttle", "1", "{}");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("\"ok\"", "call succeeded 2"))),
        (outcome, runner) => AssertLasted(outcome.Instances["1"].Node("call"), TimeSpan.FromSeconds(1), runner, "the second attempt waits out the 1 s Retry-After"));

    private static Scenario EventWithTimeout() => new(
        "event-with-timeout",
        "an event node gets its event (names compare case-insensitively); another instance's times out with Timeout, handled by a node accepting failed",
        ["""
         {"name":"conf-event","nodes":{
           "begin":{"type":"event","event":"begin"},
           "approval":{"type":"event","event":"approve","timeout":"PT2S","runAfter":["begin"]},
           "approved":{"type":"set","runAfter":["approval"],"value":"${{ nodes.approval.output }}"},
           "timedOut":{"type":"set","runAfter":{"approval":["failed"]},"value":"${{ nodes.approval.error.type }}"}},
          "output":{"approved":"${{ nodes.approved.output }}","timedOut":"${{ nodes.timedOut.output }}"}}
         """],
        async ctx =>
        {
            // The 2 s timeout starts only when 'begin' lets the event node start, and the approval is raised before
            // that (it waits in the queue for the node), so a busy machine cannot turn this into a race with the timeout.
            var outcome = new ScenarioOutcome();
            var received = await ctx.StartAsync("conf-event", "received", "{}");
            var timedOut = await ctx.StartAsync("conf-event", "timed-out", "{}");

            // Raised once both wait for 'begin': an event raised before an instance has started at all is a transport
            // matter (the Durable Task sidecar in these tests redelivers such messages only after a back-off).
            await Poll.NodeRunningAsync(ctx.Runner, received, "begin", ctx.Token);
            await Poll.NodeRunningAsync(ctx.Runner, timedOut, "begin", ctx.Token);
            await ctx.Runner.RaiseEventAsync(received, "APPROVE", Json.Element("""{"ok":true}"""), ctx.Token);
            await ctx.Runner.RaiseEventAsync(received, "begin", Json.Element("{}"), ctx.Token);
            await ctx.Runner.RaiseEventAsync(timedOut, "begin", Json.Element("{}"), ctx.Token);
            outcome.Instances["received"] = await ctx.FinalAsync(received);
            outcome.Instances["timed-out"] = await ctx.FinalAsync(timedOut);
            return outcome;
        },
        Expect(
            ("received", Expected.Completed(
                """{"approved":{"ok":true},"timedOut":null}""", "begin succeeded 0", "approval succeeded 0", "approved succeeded 0", "timedOut skipped 0")),
            ("timed-out", Expected.Completed(
                """{"approved":null,"timedOut":"Timeout"}""", "begin succeeded 0", "approval failed 0", "approved skipped 0", "timedOut succeeded 0"))),
        (outcome, runner) => AssertLasted(outcome.Instances["timed-out"].Node("approval"), TimeSpan.FromSeconds(2), runner, "the event timeout of 2 s"));

    private static Scenario EventsPerNameFifo() => new(
        "events-per-name-fifo",
        "two events of one name raised before any node waits for them queue, and are taken first in first out",
        ["""
         {"name":"conf-fifo","nodes":{
           "gate":{"type":"event","event":"open"},
           "first":{"type":"event","event":"item","runAfter":["gate"]},
           "second":{"type":"event","event":"item","runAfter":["first"]}},
          "output":["${{ nodes.first.output }}","${{ nodes.second.output }}"]}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-fifo", "1", "{}");
            await Poll.NodeRunningAsync(ctx.Runner, id, "gate", ctx.Token);
            await ctx.Runner.RaiseEventAsync(id, "item", Json.Element("1"), ctx.Token);
            await ctx.Runner.RaiseEventAsync(id, "item", Json.Element("2"), ctx.Token);
            await ctx.Runner.RaiseEventAsync(id, "open", Json.Element("true"), ctx.Token);
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("[1,2]", "gate succeeded 0", "first succeeded 0", "second succeeded 0"))));

    private static Scenario Wait() => new(
        "wait",
        "a wait of PT1S ends no earlier than its due time; a wait until a past timestamp fires at once; output null",
        ["""
         {"name":"conf-wait","nodes":{
           "pause":{"type":"wait","duration":"PT1S"},
           "past":{"type":"wait","until":"${{ '2020-01-01T00:00:00Z' }}"},
           "after":{"type":"set","runAfter":["pause","past"],"value":["${{ nodes.pause.output }}","${{ nodes.past.output }}"]}},
          "output":"${{ nodes.after.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-wait", "1", "{}");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("[null,null]", "pause succeeded 0", "past succeeded 0", "after succeeded 0"))),
        (outcome, runner) => AssertLasted(outcome.Instances["1"].Node("pause"), TimeSpan.FromSeconds(1), runner, "the wait of 1 s"));

    private static Scenario Loop() => new(
        "loop",
        "loop until a condition (previous, iteration, output); reaching maxIterations fails with LoopLimitExceeded, handled",
        ["""
         {"name":"conf-loop","nodes":{
           "count":{"type":"loop","maxIterations":5,"until":"${{ output >= 8 }}",
                    "body":{"nodes":{"d":{"type":"activity","activity":"double","input":"${{ previous ?? 1 }}"}},"output":"${{ nodes.d.output }}"}},
           "limit":{"type":"loop","maxIterations":2,"until":"${{ false }}",
                    "body":{"nodes":{"n":{"type":"set","value":"${{ iteration }}"}},"output":"${{ nodes.n.output }}"}},
           "caught":{"type":"set","runAfter":{"limit":["failed"]},"value":"${{ nodes.limit.error.type }}"}},
          "output":{"count":"${{ nodes.count.output }}","caught":"${{ nodes.caught.output }}"}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-loop", "1", "{}");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed(
            """{"count":8,"caught":"LoopLimitExceeded"}""",
            "count succeeded 0",
            "count[1] succeeded 0", "count[1].d succeeded 1",
            "count[2] succeeded 0", "count[2].d succeeded 1",
            "count[3] succeeded 0", "count[3].d succeeded 1",
            "limit failed 0",
            "limit[1] succeeded 0", "limit[1].n succeeded 0",
            "limit[2] succeeded 0", "limit[2].n succeeded 0",
            "caught succeeded 0"))));

    private static Scenario SwitchIfAndSkipped() => new(
        "switch-if-skipped",
        "switch cases as outcomes, skipping propagates, runAfter accepting skipped, a false if skips, no matching case fails (handled); the default output of the sinks",
        ["""
         {"name":"conf-switch","nodes":{
           "pick":{"type":"switch","cases":{"big":"${{ input.n > 10 }}","small":"${{ input.n <= 10 }}"}},
           "onBig":{"type":"set","runAfter":{"pick":["big"]},"value":"big"},
           "onSmall":{"type":"set","runAfter":{"pick":["small"]},"value":"small"},
           "afterBig":{"type":"set","runAfter":["onBig"],"value":"after big"},
           "noted":{"type":"set","runAfter":{"afterBig":["skipped"]},"value":"big path skipped"},
           "huge":{"type":"set","if":"${{ input.n > 100 }}","value":"huge"},
           "nomatch":{"type":"switch","cases":{"never":"${{ false }}"}},
           "unmatched":{"type":"set","runAfter":{"nomatch":["failed"]},"value":"${{ nodes.nomatch.error.type }}"}}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-switch", "1", """{"n":5}""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed(
            """{"onSmall":"small","noted":"big path skipped","unmatched":"NoMatchingCase"}""",
            "pick succeeded 0", "onBig skipped 0", "onSmall succeeded 0", "afterBig skipped 0", "noted succeeded 0",
            "huge skipped 0", "nomatch failed 0", "unmatched succeeded 0"))));

    private static Scenario FailNode() => new(
        "fail-node",
        "a fail node fails the instance with its type and templated message",
        ["""
         {"name":"conf-fail","nodes":{
           "check":{"type":"set","value":"${{ input.card }}"},
           "stop":{"type":"fail","runAfter":["check"],"error":"PaymentDeclined","message":"card ${{ nodes.check.output }} expired"}}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-fail", "1", """{"card":"4242"}""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Failed("PaymentDeclined", "card 4242 expired", "check succeeded 0", "stop failed 0"))));

    private static Scenario ChildWorkflow() => new(
        "child-workflow",
        "a workflow node runs a child instance (id {parent}:{path}:{epoch}:{attempt}) and takes its output",
        [
            """{"name":"conf-child","nodes":{"d":{"type":"activity","activity":"double","input":"${{ input.n }}"}},"output":"${{ nodes.d.output }}"}""",
            """
            {"name":"conf-parent","nodes":{
              "child":{"type":"workflow","workflow":"conf-child","input":{"n":"${{ input.n }}"}},
              "plus":{"type":"set","runAfter":["child"],"value":"${{ nodes.child.output + 1 }}"}},
             "output":"${{ nodes.plus.output }}"}
            """,
        ],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-parent", "parent", """{"n":21}""");
            outcome.Instances["parent"] = await ctx.FinalAsync(id);
            outcome.Instances["child"] = await ctx.FinalAsync($"{id}:child:0:1");
            return outcome;
        },
        Expect(
            ("parent", Expected.Completed("43", "child succeeded 1", "plus succeeded 0")),
            ("child", Expected.Completed("42", "d succeeded 1"))));

    private static Scenario Terminate() => new(
        "terminate",
        "terminating a running instance: Terminated with the reason; its running nodes are cancelled",
        ["""
         {"name":"conf-terminate","nodes":{
           "first":{"type":"set","value":1},
           "gate":{"type":"event","event":"never","runAfter":["first"]}}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            // On Durable Task the terminate is Durable's own and the orchestration never sees it: its node detail is the
            // checkpoint it wrote when it began to wait for the event, with the terminate applied by the nodes route.
            var id = await ctx.StartAsync("conf-terminate", "1", "{}");
            await Poll.NodeRunningAsync(ctx.Runner, id, "gate", ctx.Token);
            await Poll.NodeDetailAsync(ctx.Runner, id, "gate", "running", ctx.Token);
            await ctx.Runner.TerminateAsync(id, "stopped by the conformance test", ctx.Token);
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Terminated("stopped by the conformance test", "first succeeded 0", "gate cancelled 0"))));

    private static Scenario SuspendResume() => new(
        "suspend-resume",
        "a suspended instance reports Suspended, keeps an event raised meanwhile, and completes with it after resume",
        ["""
         {"name":"conf-suspend","nodes":{
           "gate":{"type":"event","event":"go"},
           "after":{"type":"set","runAfter":["gate"],"value":"${{ nodes.gate.output }}"}},
          "output":"${{ nodes.after.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-suspend", "1", "{}");
            await Poll.NodeRunningAsync(ctx.Runner, id, "gate", ctx.Token);
            await ctx.Runner.SuspendAsync(id, ctx.Token);
            var suspended = await Poll.ProgressAsync(ctx.Runner, id, p => p.RuntimeStatus is "Suspended" or "Completed" or "Failed" or "Terminated", "Suspended", ctx.Token);
            outcome.Notes["suspended"] = suspended!.RuntimeStatus;
            await ctx.Runner.RaiseEventAsync(id, "go", Json.Element("""{"n":1}"""), ctx.Token);
            outcome.Notes["after raise"] = (await ctx.Runner.GetProgressAsync(id, ctx.Token))!.RuntimeStatus;
            await ctx.Runner.ResumeAsync(id, ctx.Token);
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed("""{"n":1}""", "gate succeeded 0", "after succeeded 0"))),
        (outcome, runner) =>
        {
            Assert.True(outcome.Notes["suspended"] == "Suspended", $"{runner}: status after suspend was {outcome.Notes["suspended"]}");
            Assert.True(outcome.Notes["after raise"] == "Suspended", $"{runner}: status right after raising while suspended was {outcome.Notes["after raise"]}");
        });

    private static Scenario RerunFailed() => new(
        "rerun",
        "rerun of a Failed instance: its failed node runs again in a new epoch (attempts start over), succeeded nodes keep their outputs and do not run again",
        ["""
         {"name":"conf-rerun","nodes":{
           "a":{"type":"activity","activity":"echo","input":"kept"},
           "b":{"type":"activity","activity":"fail-first-epoch","runAfter":["a"],"input":"${{ nodes.a.output }}"},
           "c":{"type":"set","runAfter":["b"],"value":"${{ nodes.b.output }}"}},
          "output":"${{ nodes.c.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-rerun", "1", "{}");
            outcome.Instances["before rerun"] = await ctx.FinalAsync(id);
            await ctx.Runner.RerunAsync(id, ctx.Token);
            await Poll.ProgressAsync(ctx.Runner, id, p => p.RuntimeStatus != "Failed", "the rerun to start", ctx.Token);
            outcome.Instances["after rerun"] = await ctx.FinalAsync(id);
            outcome.Notes["a runs"] = ctx.Runner.Activities.Attempts.GetValueOrDefault($"{id}:a").ToString(CultureInfo.InvariantCulture);
            outcome.Notes["b runs"] = ctx.Runner.Activities.Attempts.GetValueOrDefault($"{id}:b").ToString(CultureInfo.InvariantCulture);
            return outcome;
        },
        Expect(
            ("before rerun", Expected.Failed("Boom", "fails until the instance is rerun", "a succeeded 1", "b failed 1", "c cancelled 0")),
            ("after rerun", Expected.Completed("\"kept\"", "a succeeded 1", "b succeeded 1", "c succeeded 0"))),
        (outcome, runner) =>
        {
            Assert.True(outcome.Notes["a runs"] == "1", $"{runner}: the succeeded node a ran {outcome.Notes["a runs"]} times; a rerun must not run it again");
            Assert.True(outcome.Notes["b runs"] == "2", $"{runner}: node b ran {outcome.Notes["b runs"]} times; expected once per epoch");
        });

    private static Scenario InstanceTimeout() => new(
        "instance-timeout",
        "the instance timeout fails the instance with Timeout and cancels its running nodes",
        ["""{"name":"conf-timeout","timeout":"PT1S","nodes":{"gate":{"type":"event","event":"never"}}}"""],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-timeout", "1", "{}");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Failed("Timeout", "The instance ran past its timeout of PT1S.", "gate cancelled 0"))));

    private static Scenario LargeValue() => new(
        "large-value",
        "a 100,000-character node output and instance output survive the large-message paths (blobs where the host offloads)",
        ["""
         {"name":"conf-big","nodes":{"b":{"type":"activity","activity":"big","input":{"size":"${{ input.size }}"}}},
          "output":{"length":"${{ nodes.b.output.length }}","value":"${{ nodes.b.output }}"}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-big", "1", """{"size":100000}""");
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            return outcome;
        },
        Expect(("1", Expected.Completed(new JsonObject { ["length"] = 100_000, ["value"] = new string('x', 100_000) }, "b succeeded 1"))));

    private static Scenario ContinueAsNew() => new(
        "continue-as-new",
        "a foreach of 60 items (maxConcurrency 0) completes in item order; on Durable Task (history bound 40) across ContinueAsNew",
        ["""
         {"name":"conf-many","nodes":{
           "each":{"type":"foreach","items":"${{ input }}","maxConcurrency":0,
                   "body":{"nodes":{"d":{"type":"activity","activity":"double","input":"${{ item }}"}},"output":"${{ nodes.d.output }}"}}},
          "output":"${{ nodes.each.output }}"}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = await ctx.StartAsync("conf-many", "1", JsonSerializer.SerializeToElement(Enumerable.Range(1, 60)));
            outcome.Instances["1"] = await ctx.FinalAsync(id);
            if (ctx.Runner is DurableTaskRunner durable)
            {
                var checkpoint = await durable.Hub.Checkpoints.LoadAsync(id, ctx.Token);
                outcome.Notes["generation"] = (checkpoint?.Generation ?? 0).ToString(CultureInfo.InvariantCulture);
            }

            return outcome;
        },
        Expect(("1", Expected.Completed(
            new JsonArray([.. Enumerable.Range(1, 60).Select(i => (JsonNode)(i * 2))]),
            [
                "each succeeded 0",
                .. Enumerable.Range(0, 60).SelectMany(i => new[] { $"each[{i}] succeeded 0", $"each[{i}].d succeeded 1" }),
            ]))),
        (outcome, runner) =>
        {
            if (runner == "DurableTask")
            {
                // Each execution's final checkpoint is its generation + 1: 2 or more means at least one ContinueAsNew.
                Assert.True(
                    int.Parse(outcome.Notes["generation"], CultureInfo.InvariantCulture) >= 2,
                    $"{runner}: the final checkpoint is of generation {outcome.Notes["generation"]}; the history bound of 40 should have forced a ContinueAsNew");
            }
        });

    private static Scenario RefusedSemanticsVersion() => new(
        "refused-semantics-version",
        "an instance whose stored state carries a newer engine semantics version is refused with an error naming the version, never replayed",
        ["""
         {"name":"conf-semantics","nodes":{
           "go":{"type":"event","event":"go"},
           "after":{"type":"activity","activity":"echo","runAfter":["go"],"input":"ran"}}}
         """],
        async ctx =>
        {
            var outcome = new ScenarioOutcome();
            var id = ctx.Id("newer");
            var refusal = await ctx.Runner.PlantNewerSemanticsAsync("conf-semantics", id, Json.Element("{}"), ctx.Token);
            if (refusal is null)
            {
                // The in-memory reference keeps no stored state a newer engine could have written; the refusal it would
                // meet is the engine's own, checked here on a state of its making with the version bumped.
                var reference = ((EngineTestHostRunner)ctx.Runner).Host;
                var own = await ctx.StartAsync("conf-semantics", "reference", "{}");
                var newer = reference.State(own) with { Semantics = Decider.SemanticsVersion + 1 };
                var decide = Assert.ThrowsAny<InvalidOperationException>(() => Decider.Decide(reference.Plan(own), newer, new EventRaised("e", "go", Json.Element("{}")), reference.Now));
                var read = Assert.ThrowsAny<InvalidOperationException>(() => StateSerializer.Deserialize(StateSerializer.Serialize(newer)));
                outcome.Notes["applicable"] = "no";
                outcome.Notes["message"] = decide.Message + " | " + read.Message;
            }
            else
            {
                outcome.Notes["applicable"] = "yes";
                outcome.Notes["where"] = refusal.Where;
                outcome.Notes["message"] = refusal.Message;
                outcome.Notes["others"] = refusal.Others ?? "(not checked)";
            }

            outcome.Notes["runs"] = ctx.Runner.Activities.Attempts.Keys.Count(k => k.StartsWith(id + ":", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture);
            return outcome;
        },
        Expect(),
        (outcome, runner) =>
        {
            var message = outcome.Notes["message"];
            var version = (Decider.SemanticsVersion + 1).ToString(CultureInfo.InvariantCulture);
            Assert.True(
                message.Contains($"semantics version {version}", StringComparison.Ordinal)
                    && message.Contains($"runs version {Decider.SemanticsVersion.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal),
                $"{runner}: the refusal ({outcome.Notes.GetValueOrDefault("where")}) does not name both versions: {message}");
            Assert.True(outcome.Notes["runs"] == "0", $"{runner}: {outcome.Notes["runs"]} nodes of the refused instance ran");
        });

    private static void AssertLasted(NodeSummary node, TimeSpan atLeast, string runner, string why)
    {
        Assert.True(node.StartedAt is not null && node.CompletedAt is not null, $"{runner}: node {node.Path} has no start or end time");
        var took = node.CompletedAt!.Value - node.StartedAt!.Value;
        Assert.True(took >= atLeast, $"{runner}: node {node.Path} took {took.TotalMilliseconds:F0} ms, less than {atLeast.TotalMilliseconds:F0} ms ({why})");
    }
}
