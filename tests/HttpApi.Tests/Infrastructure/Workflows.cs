namespace Serverless.HttpApi.Tests.Infrastructure;

/// <summary>Definitions the tests register.</summary>
internal static class Workflows
{
    /// <summary>Two set nodes in a row; outputs its input.</summary>
    public const string Seq = """{"name":"seq","nodes":{"a":{"type":"set","value":"${{ input }}"},"b":{"type":"set","value":"${{ nodes.a.output }}","runAfter":["a"]}},"output":"${{ nodes.b.output }}"}""";

    /// <summary><see cref="Seq"/> with a third node: version 2 of <c>seq</c>.</summary>
    public const string SeqV2 = """{"name":"seq","nodes":{"a":{"type":"set","value":"${{ input }}"},"b":{"type":"set","value":"${{ nodes.a.output }}","runAfter":["a"]},"c":{"type":"set","value":2,"runAfter":["b"]}},"output":"${{ nodes.b.output }}"}""";

    /// <summary>Another workflow, for id conflicts across workflows.</summary>
    public const string Other = """{"name":"other","nodes":{"a":{"type":"set","value":1}}}""";

    /// <summary>Waits for the event <c>go</c> and outputs its payload.</summary>
    public const string Waiter = """{"name":"waiter","nodes":{"e":{"type":"event","event":"go"}},"output":"${{ nodes.e.output }}"}""";

    /// <summary>Fails at once.</summary>
    public const string Broken = """{"name":"broken","nodes":{"stop":{"type":"fail","error":"Broken","message":"it broke"}}}""";
}
