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

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xFF, (byte)'"' }, "", 1)]
    [InlineData(new byte[] { (byte)'[', (byte)'1', (byte)',', (byte)'"', (byte)'x', 0xC3, (byte)'"', (byte)']' }, "/1", 5)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)'}' }, "/a", 6)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "", 2)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'"', 0xF8, (byte)'"' }, "", 4)]
    public void TryParseJsonBody_TextNotUtf8_Is400WithThePointerAndTheByteOffset(byte[] body, string pointer, int offset)
    {
        var error = ApiValidation.TryParseJsonBody(body, out _);

        Assert.NotNull(error);
        Assert.Equal((400, ApiErrorTypes.ValidationError), (error.StatusCode, error.Type));
        Assert.Equal(pointer, Assert.Single(error.Details!).Path);
        Assert.Contains($"not valid UTF-8: the byte at offset {offset} of the body", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseJsonBody_LoneSurrogateBeforeBadUtf8_ReportsTheFirstInDocumentOrder()
    {
        byte[] body = [.. "[\"\\ud800\",\""u8, 0xFF, .. "\"]"u8];

        var error = ApiValidation.TryParseJsonBody(body, out _);

        Assert.Equal("/0", Assert.Single(error!.Details!).Path);
        Assert.Contains("lone UTF-16 surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseJsonBody_ByteNotUtf8OutsideAString_IsInvalidJson()
        => Assert.Equal(ApiErrorTypes.InvalidJson, ApiValidation.TryParseJsonBody((byte[])[(byte)'[', (byte)'1', (byte)',', 0xFF, (byte)']'], out _)!.Type);

    [Fact]
    public void TryParseJsonBody_ByteOrderMark_IsSkipped()
    {
        Assert.Null(ApiValidation.TryParseJsonBody((byte[])[0xEF, 0xBB, 0xBF, .. "{\"a\":\"\u00e9\"}"u8], out var value));
        Assert.Equal("\u00e9", value.GetProperty("a").GetString());
        Assert.Null(ApiValidation.TryParseJsonBody((byte[])[0xEF, 0xBB, 0xBF], out var empty));
        Assert.Equal(JsonValueKind.Null, empty.ValueKind);
    }

    [Theory]
    [InlineData("a\u0000b", "U+0000 at character 2")]
    [InlineData("\u001f", "U+001F at character 1")]
    [InlineData("abc\u007f", "U+007F at character 4")]
    [InlineData("x\u0085", "U+0085 at character 2")]
    public void CheckRouteValue_ControlCharacter_Is400NamingTheParameter(string value, string where)
    {
        var error = ApiValidation.CheckRouteValue(value, "id");

        Assert.Equal((400, "id"), (error!.StatusCode, Assert.Single(error.Details!).Path));
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order-42")]
    [InlineData("Upper Case \u00e9 \u00a0 #?/")]
    [InlineData("")]
    public void CheckRouteValue_NoControlCharacter_IsNull(string value) => Assert.Null(ApiValidation.CheckRouteValue(value, "id"));

    [Fact]
    public void InstanceQuery_PrefixWithControlCharacter_Is400AtInstanceIdPrefix()
    {
        var error = InstanceQuery.TryParse(null, null, null, "order-\u0001", null, out _);

        Assert.Equal("instanceIdPrefix", Assert.Single(error!.Details!).Path);
    }
}
