using System.Globalization;
using System.IO.Compression;
using System.Text;
using Azure;
using Azure.Data.Tables;

using Serverless.Engine.Registry;

namespace Serverless.Standalone.Storage;

/// <summary>
/// <see cref="IDefinitionStore"/> on an Azure Storage table. Partition = workflow name; one row per version
/// (row key = the version, zero-padded) and a <c>latest</c> row holding a copy of the newest version. A new version is
/// one entity-group transaction (insert the version row, insert or ETag-update the latest row), so two writers can never
/// both add the same version and every reader sees a new version at once.
/// </summary>
/// <remarks>Documents are stored gzip-compressed in binary properties of at most 64 KiB each (table limits).</remarks>
internal sealed class TableDefinitionStore : IDefinitionStore
{
    private const string LatestRowKey = "latest";
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 14;
    private readonly TableClient _table;

    /// <summary>Creates a store on <paramref name="table"/> (create the table first, e.g. with <c>CreateIfNotExistsAsync</c>).</summary>
    public TableDefinitionStore(TableClient table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
    }

    /// <inheritdoc/>
    public async Task<StoredDefinition?> GetLatestAsync(string name, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(name, LatestRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToDefinition(response.Value!) : null;
    }

    /// <inheritdoc/>
    public async Task<StoredDefinition?> GetAsync(string name, int version, CancellationToken cancellationToken)
    {
        if (version < 1)
        {
            return null;
        }

        var response = await _table.GetEntityIfExistsAsync<TableEntity>(name, VersionKey(version), cancellationToken: cancellationToken);
        return response.HasValue ? ToDefinition(response.Value!) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DefinitionVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {name} and RowKey ne {LatestRowKey}");
        var result = new List<DefinitionVersionInfo>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["Version", "CreatedAt"], cancellationToken: cancellationToken))
        {
            result.Add(new DefinitionVersionInfo(entity.GetInt32("Version") ?? 0, entity.GetDateTimeOffset("CreatedAt") ?? default));
        }

        result.Sort((a, b) => a.Version.CompareTo(b.Version));
        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DefinitionSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {LatestRowKey}");
        var result = new List<DefinitionSummary>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Version", "CreatedAt"], cancellationToken: cancellationToken))
        {
            result.Add(new DefinitionSummary(entity.PartitionKey, entity.GetInt32("Version") ?? 0, entity.GetDateTimeOffset("CreatedAt") ?? default));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <inheritdoc/>
    public async Task<bool> TryAddAsync(StoredDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var versionRow = ToEntity(definition, VersionKey(definition.Version));
        var latestRow = ToEntity(definition, LatestRowKey);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, versionRow) };
        if (definition.Version == 1)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, latestRow));
        }
        else
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(definition.Name, LatestRowKey, select: ["Version"], cancellationToken: cancellationToken);
            if (!current.HasValue || current.Value!.GetInt32("Version") != definition.Version - 1)
            {
                return false;
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, latestRow, current.Value.ETag));
        }

        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private static string VersionKey(int version) => version.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(StoredDefinition definition, string rowKey)
    {
        var entity = new TableEntity(definition.Name, rowKey)
        {
            ["Version"] = definition.Version,
            ["CreatedAt"] = definition.CreatedAt,
        };
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(definition.Json));
        }

        var bytes = buffer.ToArray();
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Definition '{definition.Name}' is too large to store ({bytes.Length} bytes compressed).");
        }

        entity["Chunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity["D" + i.ToString(CultureInfo.InvariantCulture)] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
        }

        return entity;
    }

    private static StoredDefinition ToDefinition(TableEntity entity)
    {
        var chunks = entity.GetInt32("Chunks") ?? 0;
        using var compressed = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            compressed.Write(entity.GetBinary("D" + i.ToString(CultureInfo.InvariantCulture)));
        }

        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return new StoredDefinition(entity.PartitionKey, entity.GetInt32("Version") ?? 0, reader.ReadToEnd(), entity.GetDateTimeOffset("CreatedAt") ?? default);
    }
}
