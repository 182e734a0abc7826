using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>
/// Compares by reference. The state's maps use it for values: records holding <see cref="JsonElement"/>s would
/// otherwise be compared field by field (through reflection) on every write.
/// </summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static ReferenceComparer<T> Instance { get; } = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
