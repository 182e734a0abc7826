using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>Sends events to an instance's control queue; large events go to a blob with a reference in the message.</summary>
internal sealed class MessageSender(TaskHubStorage storage, IOptions<StandaloneHostOptions> options, TimeProvider time)
{
    /// <summary>The queue's longest visibility delay (7 days), less a margin; longer timers are chained.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private readonly StandaloneHostOptions _options = options.Value;

    public int PartitionOf(string instanceId) => Partitioning.Of(instanceId, _options.Partitions);

    /// <summary>Sends <paramref name="event"/>; with <paramref name="dueAt"/> the message stays invisible until close to it.</summary>
    public async Task SendAsync(string instanceId, WorkflowEvent @event, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var queue = storage.ControlQueues[PartitionOf(instanceId)];
        var text = JsonSerializer.Serialize(new ControlMessage(instanceId, @event, null, dueAt), HostJsonContext.Default.ControlMessage);
        if (System.Text.Encoding.UTF8.GetByteCount(text) > _options.LargeMessageThreshold)
        {
            var blob = "events/" + Guid.NewGuid().ToString("N");
            await storage.Large.GetBlobClient(blob).UploadAsync(new BinaryData(StateSerializer.Serialize(@event)), cancellationToken);
            text = JsonSerializer.Serialize(new ControlMessage(instanceId, null, blob, dueAt), HostJsonContext.Default.ControlMessage);
        }

        await queue.SendMessageAsync(text, VisibilityFor(dueAt), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken);
    }

    /// <summary>
    /// How long a message for <paramref name="dueAt"/> stays invisible: whole seconds rounded down (the receiver holds a
    /// message that arrives early until it is due, so a timer never fires early), at most <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan? VisibilityFor(DateTimeOffset? dueAt)
    {
        if (dueAt is not { } due)
        {
            return null;
        }

        var remaining = due - time.GetUtcNow();
        if (remaining <= TimeSpan.FromSeconds(1))
        {
            return null;
        }

        var seconds = Math.Floor(remaining.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }

    /// <summary>Reads a received message's event (downloading it when it lives in a blob).</summary>
    public async Task<(ControlMessage Message, WorkflowEvent Event)> ReadAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var control = JsonSerializer.Deserialize(message.Body.ToMemory().Span, HostJsonContext.Default.ControlMessage)
            ?? throw new JsonException("The message is JSON null.");
        if (control.Event is { } inline)
        {
            return (control, inline);
        }

        if (control.EventBlob is null)
        {
            throw new JsonException("The message has neither an event nor an event blob.");
        }

        var content = await storage.Large.GetBlobClient(control.EventBlob).DownloadContentAsync(cancellationToken);
        return (control, StateSerializer.DeserializeEvent(content.Value.Content.ToMemory().Span));
    }

    /// <summary>Deletes a processed message and its event blob.</summary>
    public async Task DeleteAsync(int partition, QueueMessage message, ControlMessage? control)
    {
        try
        {
            await storage.ControlQueues[partition].DeleteMessageAsync(message.MessageId, message.PopReceipt);
            if (control?.EventBlob is { } blob)
            {
                await storage.Large.GetBlobClient(blob).DeleteIfExistsAsync();
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted already (or its pop receipt expired and another receive will delete it).
        }
    }
}
