using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Serverless.Standalone.Bench;

/// <summary>Raw storage latency: one table replace (6 KB), one tiny insert and one queue send, 200 of each, twice.</summary>
internal static class StorageLatency
{
    public static async Task RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, "lat");
        await table.CreateIfNotExistsAsync(cancellationToken);
        var payload = new byte[6000];
        var entity = new TableEntity("p", "state") { ["S0"] = payload };
        var etag = (await table.AddEntityAsync(entity, cancellationToken)).Headers.ETag!.Value;
        var queue = new QueueClient(connectionString, "lat");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        for (var round = 0; round < 2; round++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++)
            {
                etag = (await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag!.Value;
            }

            var replace = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++)
            {
                await table.AddEntityAsync(new TableEntity("p", $"e{round}-{i}") { ["E"] = "{\"x\":1}" }, cancellationToken);
            }

            var insert = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++)
            {
                await queue.SendMessageAsync("{\"x\":1}", cancellationToken);
            }

            var send = sw.Elapsed.TotalMilliseconds / 200;
            System.Console.WriteLine($"replace 6 KB: {replace:F2} ms, insert tiny: {insert:F2} ms, queue send: {send:F2} ms");
        }
    }
}
