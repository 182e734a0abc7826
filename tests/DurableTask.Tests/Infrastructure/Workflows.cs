using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask.Tests.Infrastructure;

/// <summary>Real workflow definitions (parsed by the engine) shared by the orchestrator tests.</summary>
internal static class Workflows
{
    public static readonly DateTime Start = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    public const string Activity = """
        {"name":"one","nodes":{"call":{"type":"activity","activity":"charge","input":{"amount":5}}},
         "output":"${{ nodes.call.output }}"}
        """;

    public const string Wait = """
        {"name":"nap","nodes":{"nap":{"type":"wait","duration":"PT5M"},
                               "after":{"type":"set","value":"awake","runAfter":["nap"]}},
         "output":"${{ nodes.after.output }}"}
        """;

    public const string Approval = """
        {"name":"approval","nodes":{"approve":{"type":"event","event":"approve","timeout":"PT1H"}},
         "output":"${{ nodes.approve.output }}"}
        """;

    public const string Parent = """
        {"name":"parent","nodes":{"sub":{"type":"workflow","workflow":"fan","input":{"items":[5,6]}}},
         "output":"${{ nodes.sub.output }}"}
        """;

    public const string FanOut = """
        {"name":"fan","nodes":{
          "each":{"type":"foreach","items":"${{ input.items }}","maxConcurrency":0,
                  "body":{"nodes":{"double":{"type":"activity","activity":"double","input":"${{ item }}"}},
                          "output":"${{ nodes.double.output }}"}}},
         "output":"${{ nodes.each.output }}"}
        """;

    public const string Flaky = """
        {"name":"flaky","nodes":{
          "call":{"type":"activity","activity":"flaky",
                  "retry":{"errors":["Timeout"],"maxAttempts":3,"interval":"PT1S","backoff":1,"jitter":"none"}}},
         "output":"${{ nodes.call.output }}"}
        """;

    public const string Failing = """
        {"name":"failing","nodes":{"stop":{"type":"fail","error":"PaymentDeclined","message":"card expired"}}}
        """;

    public const string TwoSteps = """
        {"name":"two","nodes":{"a":{"type":"activity","activity":"charge"},
                               "b":{"type":"activity","activity":"charge","runAfter":["a"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    public static DefinitionSnapshot Snapshot(string json, int version = 1)
    {
        var parsed = DefinitionParser.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return new DefinitionSnapshot(version, json);
    }

    public static string NameOf(string json) => DefinitionParser.Parse(json).Definition!.Name;

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
