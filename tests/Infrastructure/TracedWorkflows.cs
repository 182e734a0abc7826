namespace Serverless.Testing;

/// <summary>The workflow both hosts' trace tests run, so they assert the same tree.</summary>
internal static class TracedWorkflows
{
    /// <summary>
    /// <paramref name="name"/>: an http GET to <paramref name="echo"/> (<c>fetch</c>), then a foreach of two <c>echo</c>
    /// attempts (<c>each[i].one</c>); a <c>flaky</c> activity that fails once and is retried after 0.1 s; an event node
    /// waiting for <c>approve</c>. Its output is the flaky node's (3).
    /// </summary>
    public static string FanOutRetryEvent(string name, Uri echo) => """
        {"name":"NAME","nodes":{
          "fetch":{"type":"http","request":{"method":"GET","url":"ECHO/items?page=1"}},
          "each":{"type":"foreach","items":"${{ [1, 2] }}","runAfter":["fetch"],"body":{"nodes":{
            "one":{"type":"activity","activity":"echo","input":"${{ item }}"}}}},
          "flaky":{"type":"activity","activity":"flaky","input":{"failures":1,"value":3},
            "retry":{"maxAttempts":2,"interval":"PT0.1S","jitter":"none"}},
          "approve":{"type":"event","event":"approve"}},
         "output":"${{ nodes.flaky.output }}"}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("ECHO/", echo.ToString(), StringComparison.Ordinal);
}
