using System.Text;
using System.Text.Json;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Expressions;

public sealed class JsonValueConverterTests
{
    private static readonly string[] s_strings = ["", "a", "ünï", "😀", "中文", "\"q\"", "back\\slash", "line\nbreak", "\u2028", "${ x }", "<&>", "\u0001"];

    private static void WriteRandom(Utf8JsonWriter writer, Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 5 : 7))
        {
            case 0:
                writer.WriteNullValue();
                break;
            case 1:
                writer.WriteBooleanValue(random.Next(2) == 1);
                break;
            case 2:
                // Integers within 2^53 and doubles: all exact as JavaScript numbers.
                if (random.Next(2) == 0)
                {
                    writer.WriteNumberValue(random.NextInt64(-(1L << 53) + 1, 1L << 53));
                }
                else
                {
                    writer.WriteNumberValue(Math.Round(random.NextDouble() * 1e6, random.Next(8)) * (random.Next(2) == 0 ? -1 : 1));
                }

                break;
            case 3 or 4:
                var text = new StringBuilder();
                for (var i = random.Next(4); i > 0; i--)
                {
                    text.Append(s_strings[random.Next(s_strings.Length)]);
                }

                writer.WriteStringValue(text.ToString());
                break;
            case 5:
                writer.WriteStartArray();
                for (var i = random.Next(5); i > 0; i--)
                {
                    WriteRandom(writer, random, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                var names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = random.Next(5); i > 0; i--)
                {
                    var name = s_strings[random.Next(s_strings.Length)] + random.Next(3);
                    if (names.Add(name))
                    {
                        writer.WritePropertyName(name);
                        WriteRandom(writer, random, depth + 1);
                    }
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static JsonElement RandomJson(int seed)
    {
        var random = new Random(seed);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("v");
            WriteRandom(writer, random, 0);
            writer.WriteEndObject();
        }

        return Scopes.Json(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void RoundTrip_ThroughEngine_KeepsEveryJsonValue()
    {
        var viaEngine = TemplateEvaluateTests.Compile("\"${{ ((v) => v)(input.v) }}\"");
        var viaPath = TemplateEvaluateTests.Compile("\"${{ input.v }}\"");
        var viaStringify = TemplateEvaluateTests.Compile("\"${{ JSON.stringify(input.v) }}\"");

        for (var seed = 0; seed < 300; seed++)
        {
            var input = RandomJson(seed);
            var expected = input.GetProperty("v");
            var scope = Scopes.Minimal(input.GetRawText());

            var engine = viaEngine.Evaluate(scope);
            var path = viaPath.Evaluate(scope);
            var stringified = Scopes.Json(viaStringify.Evaluate(scope).GetString() ?? "null");

            Assert.True(JsonElement.DeepEquals(expected, engine), $"seed {seed}: {expected.GetRawText()} -> {engine.GetRawText()}");
            Assert.True(JsonElement.DeepEquals(expected, path), $"seed {seed}: path");
            Assert.True(JsonElement.DeepEquals(expected, stringified), $"seed {seed}: JSON.stringify {stringified.GetRawText()}");
        }
    }

    [Theory]
    [InlineData("input.v")]
    [InlineData("((v) => v)(input.v)")]
    public void Interpolation_InsertsStringsRawAndOtherValuesAsJson(string expression)
    {
        var template = TemplateEvaluateTests.Compile("\"<${{ " + expression + " }}>\"");

        for (var seed = 0; seed < 200; seed++)
        {
            var input = RandomJson(seed);
            var value = input.GetProperty("v");
            var text = template.Evaluate(Scopes.Minimal(input.GetRawText())).GetString()!;

            Assert.StartsWith("<", text, StringComparison.Ordinal);
            Assert.EndsWith(">", text, StringComparison.Ordinal);
            var inserted = text[1..^1];
            if (value.ValueKind == JsonValueKind.String)
            {
                Assert.Equal(value.GetString(), inserted);
            }
            else
            {
                Assert.True(JsonElement.DeepEquals(value, Scopes.Json(inserted)), $"seed {seed}: {inserted}");
                Assert.DoesNotContain("\n", inserted, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("2026-03-04T05:06:07.890+00:00", "2026-03-04T05:06:07.890Z")]
    [InlineData("2026-03-04T05:06:07.000+02:00", "2026-03-04T03:06:07.000Z")]
    [InlineData("0001-01-01T00:00:00.000+00:00", "0001-01-01T00:00:00.000Z")]
    public void ToIsoString_MatchesJavaScript(string value, string expected)
    {
        Assert.Equal(expected, JsonValueConverter.ToIsoString(DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void InstanceStartedAt_MatchesDateToIsoString()
    {
        Assert.Equal("true", TemplateEvaluateTests.Eval("new Date(instance.startedAt).toISOString() === instance.startedAt").GetRawText());
    }
}
