namespace Serverless.Standalone.Bench.Load;

/// <summary>One instance as the bench started it: its id, input, and when the request was sent and answered (bench clock).</summary>
internal sealed record StartedInstance(string Id, int Input, DateTimeOffset Sent, DateTimeOffset Acked);
