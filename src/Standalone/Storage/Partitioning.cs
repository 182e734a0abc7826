namespace Serverless.Standalone.Storage;

/// <summary>Maps instance ids to partitions with a stable hash (FNV-1a over UTF-16 code units), the same in every process.</summary>
internal static class Partitioning
{
    public static int Of(string instanceId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var hash = 2166136261u;
        foreach (var c in instanceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
