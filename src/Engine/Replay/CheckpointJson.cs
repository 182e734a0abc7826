using System.Text.Json;

namespace Serverless.Engine.Replay;

/// <summary>The JSON form of checkpoints in a store.</summary>
internal static class CheckpointJson
{
    /// <summary>Serializes a checkpoint.</summary>
    public static byte[] Serialize(Continuation checkpoint) => JsonSerializer.SerializeToUtf8Bytes(checkpoint, JsonSerializerOptions.Web);

    /// <summary>Reads a checkpoint.</summary>
    public static Continuation Deserialize(ReadOnlySpan<byte> utf8)
        => JsonSerializer.Deserialize<Continuation>(utf8, JsonSerializerOptions.Web) ?? throw new JsonException("The checkpoint is JSON null.");
}
