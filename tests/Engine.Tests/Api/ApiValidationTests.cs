using System.Text;
using System.Text.Json;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.Engine.Tests.Api;

public sealed class ApiValidationTests
{
    [Theory]
    [InlineData("ok-name-1", true)]
    [InlineData("Upper", false)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    public void CheckWorkflowName_Rules_Apply(string name, bool valid) => Assert.Equal(valid, ApiValidation.CheckWorkflowName(name) is null);

    [Theory]
    [InlineData("order-42", true)]
    [InlineData("a:b[3].c", true)]
    [InlineData("a/b", false)]
    [InlineData("a?b", false)]
    [InlineData("a#b", false)]
    [InlineData("", false)]
    public void CheckInstanceId_Rules_Apply(string id, bool valid) => Assert.Equal(valid, ApiValidation.CheckInstanceId(id) is null);

    [Fact]
    public void TryParseJsonBody_EmptyIsNullAndBrokenIsInvalidJson()
    {
        Assert.Null(ApiValidation.TryParseJsonBody(Array.Empty<byte>(), out var empty));
        Assert.Equal(JsonValueKind.Null, empty.ValueKind);
        var error = ApiValidation.TryParseJsonBody(Encoding.UTF8.GetBytes("{\"a\":"), out _);
        Assert.Equal(ApiErrorTypes.InvalidJson, error!.Type);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void ApiError_ToJson_HasErrorEnvelopeWithDetails()
    {
        var json = ApiError.Invalid("/name", "bad").ToJson();

        Assert.Equal("ValidationError", json["error"]!["type"]!.GetValue<string>());
        Assert.Equal("/name", json["error"]!["details"]![0]!["path"]!.GetValue<string>());
        Assert.Null(ApiError.NotFound("x").ToJson()["error"]!["details"]);
    }

    [Fact]
    public void InstanceQuery_TryParse_ParsesFiltersAndRejectsUnknownStatus()
    {
        Assert.Null(InstanceQuery.TryParse("running, Failed", "2026-01-01T00:00:00Z", null, "p-", "10", out var query));
        Assert.Equal([InstanceStatus.Running, InstanceStatus.Failed], query.Statuses);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), query.CreatedFrom);
        Assert.Equal(10, query.Top);
        Assert.NotNull(InstanceQuery.TryParse("Sleeping", null, null, null, null, out _));
        Assert.NotNull(InstanceQuery.TryParse(null, null, null, null, "5000", out _));
    }

    [Fact]
    public void CheckStatusPayload_Build_MatchesDurableShape()
    {
        var payload = CheckStatusPayload.Build("http://h:1/", "id 1", "hub", "Storage", "k");

        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/id%201?taskHub=hub&connection=Storage&code=k", payload["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/id%201/raiseEvent/{eventName}?taskHub=hub&connection=Storage&code=k", payload["sendEventPostUri"]!.GetValue<string>());
        Assert.StartsWith("http://h:1/runtime/webhooks/durabletask/instances/id%201/terminate?reason={text}&", payload["terminatePostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(7, payload.Count);
    }

    [Fact]
    public void CheckStatusPayload_BuildWithoutTaskHubOrConnection_LeavesOutTheQuery()
    {
        var payload = CheckStatusPayload.Build("http://h:1", "a", null, null, null);

        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/a", payload["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/a", payload["purgeHistoryDeleteUri"]!.GetValue<string>());
        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/a/raiseEvent/{eventName}", payload["sendEventPostUri"]!.GetValue<string>());
        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/a/suspend?reason={text}", payload["suspendPostUri"]!.GetValue<string>());
        Assert.Equal("http://h:1/runtime/webhooks/durabletask/instances/a", CheckStatusPayload.StatusUri("http://h:1/", "a", null, null, null));
    }

    [Theory]
    [InlineData("\"\\ud800\"", "")]
    [InlineData("{\"name\":\"x\",\"nodes\":{\"a\":{\"value\":\"ok \\udc00 ko\"}}}", "/nodes/a/value")]
    [InlineData("[1,[2,\"\\ud83d\"]]", "/1/1")]
    [InlineData("{\"\\ud800\":1}", "")]
    [InlineData("{\"x\":[0,1e400]}", "/x/1")]
    [InlineData("-1e309", "")]
    public void TryParseJsonBody_UnreadableText_Is400WithThePointer(string json, string pointer)
    {
        var error = ApiValidation.TryParseJsonBody(Encoding.UTF8.GetBytes(json), out _);

        Assert.NotNull(error);
        Assert.Equal((400, ApiErrorTypes.ValidationError), (error.StatusCode, error.Type));
        Assert.Equal(pointer, Assert.Single(error.Details!).Path);
    }

    [Theory]
    [InlineData("\"\\ud83d\\ude00 and \\u00e9\"")]
    [InlineData("{\"big\":1.7976931348623157e308,\"small\":5e-324,\"int\":12345678901234567890}")]
    public void TryParseJsonBody_SurrogatePairsAndFiniteNumbers_AreAccepted(string json)
        => Assert.Null(ApiValidation.TryParseJsonBody(Encoding.UTF8.GetBytes(json), out _));
}
