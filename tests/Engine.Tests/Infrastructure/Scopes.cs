using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Tests.Infrastructure;

internal static class Scopes
{
    public static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    public static readonly InstanceInfo Instance = new("inst-1", "orders", 3, new DateTimeOffset(2026, 3, 4, 5, 0, 0, TimeSpan.Zero));

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static ExpressionScope Minimal(string input = "{}") => new()
    {
        Input = Json(input),
        Instance = Instance,
        Now = Now,
    };
}
