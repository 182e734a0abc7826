namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>Workflow definitions the tests register.</summary>
public static class Workflows
{
    public const string Seq = """
        {"name":"seq","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input }}"},
          "b":{"type":"activity","activity":"echo","input":"${{ nodes.a.output }}","runAfter":["a"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    public const string Waiter = """
        {"name":"waiter","nodes":{"e":{"type":"event","event":"go"}},"output":"${{ nodes.e.output }}"}
        """;

    public const string EventTimeout = """
        {"name":"event-timeout","nodes":{"e":{"type":"event","event":"go","timeout":"PT2S"}},"output":"${{ nodes.e.output }}"}
        """;

    public const string Foreach = """
        {"name":"each","nodes":{
          "each":{"type":"foreach","items":"${{ input.items }}","maxConcurrency":50,"body":{
            "nodes":{"x":{"type":"activity","activity":"echo","input":"${{ item * 2 }}"}},
            "output":"${{ nodes.x.output }}"}}},
         "output":"${{ nodes.each.output }}"}
        """;

    public const string Retry = """
        {"name":"retry","nodes":{
          "f":{"type":"activity","activity":"flaky","input":{"failures":2,"value":"ok"},
               "retry":{"maxAttempts":3,"interval":"PT1S","backoff":1.0,"jitter":"none"}}},
         "output":"${{ nodes.f.output }}"}
        """;

    public const string Rerun = """
        {"name":"rerun","nodes":{
          "a":{"type":"activity","activity":"echo","input":1},
          "b":{"type":"activity","activity":"fail-first-epoch","input":"${{ nodes.a.output }}","runAfter":["a"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    public const string Big = """
        {"name":"big","nodes":{"b":{"type":"activity","activity":"big","input":{"size":"${{ input.size }}"}}},"output":"${{ nodes.b.output.length }}"}
        """;

    /// <summary>For real host processes (only the built-in echo activity): echo, wait, echo.</summary>
    public const string EchoWaitEcho = """
        {"name":"echo-wait-echo","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "w":{"type":"wait","duration":"PT3S","runAfter":["a"]},
          "b":{"type":"activity","activity":"echo","input":"${{ nodes.a.output * 2 }}","runAfter":["w"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    public const string ThreeEchoes = """
        {"name":"three","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "b":{"type":"activity","activity":"echo","input":"${{ nodes.a.output + 1 }}","runAfter":["a"]},
          "c":{"type":"activity","activity":"echo","input":"${{ nodes.b.output + 1 }}","runAfter":["b"]}},
         "output":"${{ nodes.c.output }}"}
        """;
}
