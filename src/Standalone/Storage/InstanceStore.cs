using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.HttpApi;

namespace Serverless.Standalone.Storage;

/// <summary>
/// The instances table: one row per instance (partition key = instance id), written with its ETag. Index columns for
/// the list query (<c>Name</c>, <c>RuntimeStatus</c>, <c>CreatedTime</c>; the id prefix is a key range) and for recovery
/// (<c>Partition</c>, <c>Active</c>). State and envelope are UTF-8 JSON in binary chunks of 64,000 bytes; a state over
/// <see cref="StandaloneHostOptions.InlineStateLimit"/> goes to a blob whose name the row keeps.
/// </summary>
internal sealed class InstanceStore(TaskHubStorage storage, IOptions<StandaloneHostOptions> options)
{
    /// <summary>The row key of every instance row (the partition key is the instance id).</summary>
    internal const string RowKey = "i";
    private const int ChunkBytes = 64_000;
    private readonly StandaloneHostOptions _options = options.Value;
    private readonly TableClient _instances = storage.Instances;

    /// <summary>
    /// A store whose rows go to <paramref name="rows"/> instead of the instances table (start-up priming: a throwaway
    /// instance in the hosts table, where no query of instances looks).
    /// </summary>
    internal InstanceStore(TaskHubStorage storage, TableClient rows, IOptions<StandaloneHostOptions> options)
        : this(storage, options)
    {
        _instances = rows;
    }

    /// <summary>Signals every write of an instance's row by this process (the status long-poll waits on it).</summary>
    public InstanceChanges Changes { get; } = new();

    public async Task<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        var response = await _instances.GetEntityIfExistsAsync<TableEntity>(instanceId, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? await ToRecordAsync(response.Value!, cancellationToken) : null;
    }

    /// <summary>Inserts a new instance; when the id exists, returns false and the existing record.</summary>
    public async Task<(bool Created, InstanceRecord Record)> TryInsertAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var (entity, blob) = await ToEntityAsync(record, cancellationToken);
        try
        {
            var response = await _instances.AddEntityAsync(entity, cancellationToken);
            Changes.Changed(record.State.InstanceId);
            return (true, record with { ETag = response.Headers.ETag ?? default, StateBlob = blob });
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await DeleteBlobAsync(blob);
            var existing = await GetAsync(record.State.InstanceId, cancellationToken);
            if (existing is null)
            {
                throw new InvalidOperationException($"Instance '{record.State.InstanceId}' exists and vanished at once; try again.", ex);
            }

            return (false, existing);
        }
    }

    /// <summary>Replaces the row if its ETag still matches; throws <see cref="RequestFailedException"/> 412 otherwise.</summary>
    public async Task<InstanceRecord> SaveAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var (entity, blob) = await ToEntityAsync(record, cancellationToken);
        Response response;
        try
        {
            response = await _instances.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch
        {
            if (blob is not null && blob != record.StateBlob)
            {
                await DeleteBlobAsync(blob);
            }

            throw;
        }

        Changes.Changed(record.State.InstanceId);
        if (record.StateBlob is not null && record.StateBlob != blob)
        {
            await DeleteBlobAsync(record.StateBlob);
        }

        return record with { ETag = response.Headers.ETag ?? default, StateBlob = blob };
    }

    /// <summary>Deletes the row (if its ETag matches) and its state blob.</summary>
    public async Task DeleteAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        await _instances.DeleteEntityAsync(record.State.InstanceId, RowKey, record.ETag, cancellationToken);
        Changes.Changed(record.State.InstanceId);
        if (record.StateBlob is not null)
        {
            await DeleteBlobAsync(record.StateBlob);
        }
    }

    /// <summary>
    /// The instances of a partition the host still owes something. A row whose state this engine refuses (a newer
    /// engine's) is left as it is and reported to <paramref name="refused"/>, so it cannot stop the others.
    /// </summary>
    public async IAsyncEnumerable<InstanceRecord> QueryActiveAsync(
        int partition, Action<string, IncompatibleStateException> refused, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var filter = TableClient.CreateQueryFilter($"Partition eq {partition} and Active eq {true}");
        await foreach (var entity in _instances.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            InstanceRecord record;
            try
            {
                record = await ToRecordAsync(entity, cancellationToken);
            }
            catch (IncompatibleStateException ex)
            {
                refused(entity.PartitionKey, ex);
                continue;
            }

            yield return record;
        }
    }

    /// <summary>
    /// One page of the list query, from <paramref name="continuationToken"/> (one this method returned for the same
    /// query); null when the token is not such a token. Tokens are URL-safe: base64url of the storage's position and
    /// a hash of the query's filter.
    /// </summary>
    public async Task<(IReadOnlyList<InstanceRecord> Records, string? ContinuationToken)?> QueryAsync(
        InstanceQuery query, string? continuationToken, CancellationToken cancellationToken)
    {
        var clauses = new List<string>();
        if (query.InstanceIdPrefix is { } prefix)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey ge {prefix}"));
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey lt {PrefixUpperBound(prefix)}"));
        }

        if (query.Statuses.Count > 0)
        {
            clauses.Add("(" + string.Join(" or ", query.Statuses.Select(s => TableClient.CreateQueryFilter($"RuntimeStatus eq {s.ToString()}"))) + ")");
        }

        if (query.CreatedFrom is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"CreatedTime ge {from}"));
        }

        if (query.CreatedTo is { } to)
        {
            clauses.Add(TableClient.CreateQueryFilter($"CreatedTime lt {to}"));
        }

        var filter = clauses.Count == 0 ? null : string.Join(" and ", clauses);
        string? position = null;
        if (!string.IsNullOrEmpty(continuationToken) && !ListToken.TryRead(continuationToken, filter, out position))
        {
            return null;
        }

        await foreach (var page in _instances.QueryAsync<TableEntity>(filter, maxPerPage: query.Top, cancellationToken: cancellationToken)
            .AsPages(position, query.Top))
        {
            var records = new List<InstanceRecord>(page.Values.Count);
            foreach (var entity in page.Values)
            {
                records.Add(await ToRecordAsync(entity, cancellationToken));
            }

            return (records, page.ContinuationToken is { } next ? ListToken.Write(next, filter) : null);
        }

        return ([], null);
    }

    private static string PrefixUpperBound(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private async Task<(TableEntity Entity, string? Blob)> ToEntityAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var state = record.State;
        var entity = new TableEntity(state.InstanceId, RowKey)
        {
            ["Name"] = state.Workflow,
            ["Version"] = state.Version,
            ["RuntimeStatus"] = state.Status.ToString(),
            ["CreatedTime"] = state.CreatedAt,
            ["LastUpdatedTime"] = state.LastUpdatedAt,
            ["Partition"] = Partitioning.Of(state.InstanceId, _options.Partitions),
            ["Active"] = record.IsActive,
        };
        var envelope = JsonSerializer.SerializeToUtf8Bytes(
            new InstanceEnvelope([.. record.Outbox.Select(p => new OutboxItem(p.Key, p.Value))], record.Parent, record.ParentNotified),
            HostJsonContext.Default.InstanceEnvelope);
        var stateBytes = StateSerializer.Serialize(state);
        string? blob = null;
        var inlineLimit = Math.Max(0, Math.Min(_options.InlineStateLimit, (14 * ChunkBytes) - envelope.Length));
        if (stateBytes.Length > inlineLimit)
        {
            blob = "states/" + Guid.NewGuid().ToString("N");
            await storage.Large.GetBlobClient(blob).UploadAsync(new BinaryData(stateBytes), cancellationToken);
            entity["StateBlob"] = blob;
        }
        else
        {
            WriteChunks(entity, "S", stateBytes);
        }

        WriteChunks(entity, "E", envelope);
        return (entity, blob);
    }

    private async Task<InstanceRecord> ToRecordAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var blob = entity.GetString("StateBlob");
        byte[] stateBytes;
        if (blob is not null)
        {
            var download = await storage.Large.GetBlobClient(blob).DownloadContentAsync(cancellationToken);
            stateBytes = download.Value.Content.ToArray();
        }
        else
        {
            stateBytes = ReadChunks(entity, "S");
        }

        InstanceState state;
        try
        {
            state = StateSerializer.Deserialize(stateBytes);
        }
        catch (InvalidOperationException ex)
        {
            // The state was written under other engine semantics (a newer deployment): refuse it, saying why.
            throw new IncompatibleStateException(ex.Message, ex);
        }

        var envelope = JsonSerializer.Deserialize(ReadChunks(entity, "E"), HostJsonContext.Default.InstanceEnvelope)
            ?? new InstanceEnvelope([], null, false);
        var outbox = InstanceRecord.EmptyOutbox.AddRange(envelope.Outbox.IsDefault ? [] : envelope.Outbox.Select(i => KeyValuePair.Create(i.Key, i.Command)));
        return new InstanceRecord(state, outbox, envelope.Parent, envelope.ParentNotified, entity.ETag, blob);
    }

    private static void WriteChunks(TableEntity entity, string prefix, byte[] bytes)
    {
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        entity[prefix + "N"] = chunks;
        if (chunks == 1)
        {
            // The usual case: the array is fresh and only this entity holds it, so no copy.
            entity[prefix + "0"] = bytes;
            return;
        }

        for (var i = 0; i < chunks; i++)
        {
            entity[prefix + i.ToString(CultureInfo.InvariantCulture)] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
        }
    }

    private static byte[] ReadChunks(TableEntity entity, string prefix)
    {
        var chunks = entity.GetInt32(prefix + "N") ?? 0;
        if (chunks == 1)
        {
            return entity.GetBinary(prefix + "0");
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(entity.GetBinary(prefix + i.ToString(CultureInfo.InvariantCulture)));
        }

        return buffer.ToArray();
    }

    private async Task DeleteBlobAsync(string? blob)
    {
        if (blob is null)
        {
            return;
        }

        try
        {
            await storage.Large.GetBlobClient(blob).DeleteIfExistsAsync();
        }
        catch (RequestFailedException)
        {
            // An orphaned blob costs storage, not correctness; nothing references it.
        }
    }
}
