using System.Collections.Immutable;
using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Expressions;

public sealed class TemplateEvaluateTests
{
    internal static Template Compile(string json, TemplateOptions? options = null)
    {
        var errors = new List<ValidationError>();
        var template = Template.Compile(Scopes.Json(json), "/t", options ?? TemplateOptions.Default, errors);
        Assert.Empty(errors);
        return template!;
    }

    internal static JsonElement Eval(string expression, ExpressionScope? scope = null)
        => Compile(JsonSerializer.Serialize("${{ " + expression + " }}")).Evaluate(scope ?? Scopes.Minimal());

    private static ExpressionScope Rich() => new()
    {
        Input = Scopes.Json("""{"name": "Zoë 😀", "count": 3, "items": [{"id": "a"}, {"id": "b"}], "flag": false, "big": 12345678901234567890, "nested": {"deep": {"x": [1, 2, 3]}}}"""),
        Instance = Scopes.Instance,
        Now = Scopes.Now,
        Nodes = new Dictionary<string, NodeView>
        {
            ["fetch"] = new("succeeded", Scopes.Json("""{"status": 200, "body": {"ok": true}}"""), null),
            ["broken"] = new("failed", null, new WorkflowError("HttpError", "boom", Scopes.Json("""{"status": 500}"""))),
        },
        Item = Scopes.Json("""{"sku": "X-1", "qty": 2}"""),
        Index = 4,
        Iteration = 2,
        Previous = Scopes.Json("[1, 2]"),
        Output = Scopes.Json("""{"total": 10}"""),
    };

    [Fact]
    public void Evaluate_Constant_ReturnsCachedValue()
    {
        var template = Compile("""{"a": [1, "x"], "b": null}""");

        var first = template.Evaluate(Scopes.Minimal());
        var second = template.Evaluate(Scopes.Minimal());

        Assert.Equal("""{"a": [1, "x"], "b": null}""", first.GetRawText());
        // Same backing document: nothing was recomputed.
        Assert.True(JsonElement.DeepEquals(first, second));
        Assert.Equal(first.GetRawText(), second.GetRawText());
    }

    [Theory]
    [InlineData("1 + 2", "3")]
    [InlineData("'a' + 'b'", "\"ab\"")]
    [InlineData("[1, 'x', null, true]", "[1,\"x\",null,true]")]
    [InlineData("({a: {b: [1, {c: 2}]}})", "{\"a\":{\"b\":[1,{\"c\":2}]}}")]
    [InlineData("null", "null")]
    [InlineData("undefined", "null")]
    [InlineData("input.missing", "null")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("1e21", "1E+21")]
    [InlineData("-0", "0")]
    [InlineData("2 ** 53", "9007199254740992")]
    [InlineData("({a: undefined, b: 1})", "{\"b\":1}")]
    [InlineData("[undefined]", "[null]")]
    [InlineData("({2: 'b', 1: 'a', z: 0})", "{\"1\":\"a\",\"2\":\"b\",\"z\":0}")]
    public void Evaluate_WholeExpression_TakesJsonValue(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression).GetRawText());
    }

    [Fact]
    public void Evaluate_WholeExpressionWithWhitespace_TakesJsonValue()
    {
        var result = Compile("\"${{input.count}}\"").Evaluate(Rich());
        var spaced = Compile("\"${{    input.count * 2    }}\"").Evaluate(Rich());

        Assert.Equal(JsonValueKind.Number, result.ValueKind);
        Assert.Equal(3, result.GetInt32());
        Assert.Equal(6, spaced.GetInt32());
    }

    [Fact]
    public void Evaluate_Interpolation_StringifiesValues()
    {
        var template = Compile("\"n=${{ input.count }} s=${{ input.name }} o=${{ input.items[0] }} b=${{ input.flag }} u=${{ input.nope }} x=${{ input.count / 2 }} a=${{ [1, 'two'] }}\"");

        var result = template.Evaluate(Rich());

        Assert.Equal("n=3 s=Zoë 😀 o={\"id\":\"a\"} b=false u=null x=1.5 a=[1,\"two\"]", result.GetString());
    }

    [Fact]
    public void Evaluate_SpaceAroundSingleExpression_Interpolates()
    {
        var result = Compile("\" ${{ input.count }}\"").Evaluate(Rich());

        Assert.Equal(" 3", result.GetString());
    }

    [Fact]
    public void Evaluate_NestedTemplate_TemplatesRecursively()
    {
        var template = Compile("""
            {"url": "https://x/${{ item.sku }}", "qty": "${{ item.qty * 10 }}", "const": {"k": [1, 2]},
             "list": ["${{ index }}", "plain", {"n": "${{ nodes.fetch.output.body }}"}], "flag": "${{ !input.flag }}"}
            """);

        var result = template.Evaluate(Rich());

        Assert.Equal(
            """{"url":"https://x/X-1","qty":20,"const":{"k":[1,2]},"list":[4,"plain",{"n":{"ok":true}}],"flag":true}""",
            JsonSerializer.Serialize(result));
    }

    [Fact]
    public void Evaluate_ScopeVariables_AreAllVisible()
    {
        var result = Eval(
            "[input.count, nodes.fetch.status, nodes.fetch.output.status, nodes.broken.error.type, nodes.broken.error.details.status, nodes.broken.output, " +
            "instance.id, instance.workflow, instance.version, instance.startedAt, item.sku, index, iteration, previous.length, output.total]",
            Rich());

        Assert.Equal(
            """[3,"succeeded",200,"HttpError",500,null,"inst-1","orders",3,"2026-03-04T05:00:00.000Z","X-1",4,2,2,10]""",
            result.GetRawText());
    }

    [Fact]
    public void Evaluate_UnsetBodyVariables_AreUndefined()
    {
        var result = Eval("[typeof item, typeof index, typeof iteration, typeof previous, typeof output, typeof nodes.fetch]");

        Assert.Equal("""["undefined","undefined","undefined","undefined","undefined","undefined"]""", result.GetRawText());
    }

    [Fact]
    public void Evaluate_NodeNotInScope_IsUndefined()
    {
        var scope = Rich();

        Assert.Equal("true", Eval("nodes.other === undefined", scope).GetRawText());
        Assert.Equal("null", Eval("nodes.other", scope).GetRawText());
    }

    [Fact]
    public void Evaluate_DynamicNodeAccess_SeesEveryNodeInOrdinalOrder()
    {
        var result = Eval("Object.keys(nodes).map(k => k + ':' + nodes[k].status)", Rich());

        Assert.Equal("""["broken:failed","fetch:succeeded"]""", result.GetRawText());
    }

    [Theory]
    [InlineData("input.name")]
    [InlineData("input.big")]
    [InlineData("input.items")]
    [InlineData("input.items[1].id")]
    [InlineData("input['nested'].deep.x[2]")]
    [InlineData("nodes.fetch.output.body")]
    [InlineData("nodes['fetch'].status")]
    [InlineData("item")]
    [InlineData("previous[0]")]
    [InlineData("output.total")]
    public void Evaluate_PlainPath_EqualsEngineResult(string path)
    {
        var scope = Rich();
        var direct = Eval(path, scope);
        // The same path through the engine (a no-op wrapper defeats the plain-path shortcut).
        var viaEngine = Eval("((v) => v)(" + path + ")", scope);

        if (path == "input.big")
        {
            // The shortcut keeps the exact digits; the engine has only doubles.
            Assert.Equal("12345678901234567890", direct.GetRawText());
            Assert.Equal(12345678901234567890d, viaEngine.GetDouble());
            return;
        }

        Assert.True(JsonElement.DeepEquals(direct, viaEngine), $"{direct.GetRawText()} != {viaEngine.GetRawText()}");
    }

    [Theory]
    [InlineData("input.items.length", "2")]
    [InlineData("input.name.length", "6")]
    [InlineData("input.items['01']", "null")]
    [InlineData("input.items[5]", "null")]
    public void Evaluate_PathThatJsonCannotAnswer_FallsBackToEngine(string path, string expected)
    {
        Assert.Equal(expected, Eval(path, Rich()).GetRawText());
    }

    [Fact]
    public void Evaluate_MemberOfUndefined_ThrowsExpressionException()
    {
        var template = Compile("{\"a\": [\"${{ input.missing.deeper }}\"]}");

        var ex = Assert.Throws<ExpressionException>(() => template.Evaluate(Rich()));

        Assert.Equal("${{ input.missing.deeper }}", ex.Expression);
        Assert.Contains("${{ input.missing.deeper }}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/t", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TypeError", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LongExpressionFails_MessageQuotesItShortened()
    {
        var source = "input.missing.x + " + string.Join(" + ", Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var ex = Assert.Throws<ExpressionException>(() => Eval(source));

        Assert.Equal("${{ " + source + " }}", ex.Expression);
        Assert.Contains("${{ input.missing.x + 0 + 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("... }}", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 400, ex.Message);
    }

    [Fact]
    public void Evaluate_UserThrow_ThrowsExpressionExceptionWithMessage()
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval("(() => { throw new Error('custom failure'); })()"));

        Assert.Contains("Error: custom failure", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN", "NaN")]
    [InlineData("1 / 0", "Infinity")]
    [InlineData("-1 / 0", "-Infinity")]
    [InlineData("({a: [0 / 0]})", "NaN")]
    [InlineData("() => 1", "function")]
    [InlineData("({f() {}})", "function")]
    [InlineData("10n", "BigInt")]
    [InlineData("Symbol('s')", "Symbol")]
    [InlineData("new Date(NaN)", "invalid Date")]
    public void Evaluate_ValueWithoutJsonForm_ThrowsExpressionException(string expression, string named)
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval(expression));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CyclicValue_ThrowsExpressionException()
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval("(o => (o.self = o, o))({})"));

        Assert.Contains("nested deeper than 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Date_BecomesIsoString()
    {
        Assert.Equal("\"2001-02-03T04:05:06.007Z\"", Eval("new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 7))").GetRawText());
        Assert.Equal("{\"d\":\"2001-02-03T00:00:00.000Z\"}", Eval("({d: new Date('2001-02-03')})").GetRawText());
    }

    [Fact]
    public void Evaluate_Unicode_RoundTrips()
    {
        var scope = Scopes.Minimal("""{"s": "ünïcødé \u2028 😀 \"q\" \\ 中文"}""");

        var direct = Eval("input.s", scope);
        var computed = Eval("input.s + '!'", scope);
        var interpolated = Compile("\"<${{ input.s }}>\"").Evaluate(scope);

        Assert.Equal("ünïcødé \u2028 😀 \"q\" \\ 中文", direct.GetString());
        Assert.Equal("ünïcødé \u2028 😀 \"q\" \\ 中文!", computed.GetString());
        Assert.Equal("<ünïcødé \u2028 😀 \"q\" \\ 中文>", interpolated.GetString());
        Assert.Equal(2, Eval("'😀'.length").GetInt32());
        // Only what JSON requires is escaped in results.
        Assert.Equal("\"é<&>'中\\\"\"", Eval("'é<&>\\'中\"'").GetRawText());
    }

    [Theory]
    [InlineData("2147483648", "2147483648")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    [InlineData("1.5e300", "1.5E+300")]
    [InlineData("123.456", "123.456")]
    public void Evaluate_NumbersThroughEngine_KeepTheirValue(string number, string expected)
    {
        var scope = Scopes.Minimal("{\"n\": " + number + "}");

        Assert.Equal(expected, Eval("input.n + 0", scope).GetRawText());
    }

    [Theory]
    [InlineData("input.ok", "{\"ok\": 1}", true)]
    [InlineData("input.ok", "{\"ok\": 0}", false)]
    [InlineData("input.ok", "{\"ok\": \"\"}", false)]
    [InlineData("input.ok", "{\"ok\": \"0\"}", true)]
    [InlineData("input.ok", "{\"ok\": []}", true)]
    [InlineData("input.ok", "{\"ok\": {}}", true)]
    [InlineData("input.ok", "{\"ok\": null}", false)]
    [InlineData("input.ok", "{}", false)]
    [InlineData("input.a > 2 && input.b", "{\"a\": 3, \"b\": \"yes\"}", true)]
    [InlineData("NaN", "{}", false)]
    [InlineData("input.ok", "{\"ok\": 1e400}", true)]
    [InlineData("input.ok", "{\"ok\": 0.0}", false)]
    public void EvaluateCondition_UsesJavaScriptTruthiness(string expression, string input, bool expected)
    {
        var template = Compile(JsonSerializer.Serialize("${{ " + expression + " }}"), new TemplateOptions { RequireSingleExpression = true });

        Assert.Equal(expected, template.EvaluateCondition(Scopes.Minimal(input)));
    }

    [Fact]
    public void EvaluateCondition_Constant_UsesTruthiness()
    {
        Assert.True(Compile("true").EvaluateCondition(Scopes.Minimal()));
        Assert.False(Compile("\"\"").EvaluateCondition(Scopes.Minimal()));
        Assert.True(Compile("\"x ${{ 0 }}\"").EvaluateCondition(Scopes.Minimal()));
    }

    [Fact]
    public void Evaluate_SecretToken_KeptVerbatimInCanonicalForm()
    {
        var template = Compile(
            """{"Authorization": "Bearer ${{secrets.API_TOKEN}}", "x": "${{ secrets.K }}", "y": "${{ input.count }}-${{ secrets.K }}"}""",
            new TemplateOptions { AllowSecrets = true });

        var result = template.Evaluate(Rich());

        Assert.Equal(
            """{"Authorization":"Bearer ${{ secrets.API_TOKEN }}","x":"${{ secrets.K }}","y":"3-${{ secrets.K }}"}""",
            JsonSerializer.Serialize(result));
    }

    [Fact]
    public void Evaluate_OnlySecretTokens_IsFixedWithoutEngine()
    {
        var template = Compile("\"Bearer ${{ secrets.T }}\"", new TemplateOptions { AllowSecrets = true });

        Assert.Equal("Bearer ${{ secrets.T }}", template.Evaluate(Scopes.Minimal()).GetString());
        Assert.True(template.UsesSecrets);
    }

    [Fact]
    public void Evaluate_SecretReferences_ReportedWithPointerAndOffset()
    {
        var template = Compile(
            """{"headers": {"A/b": ["x", "Bearer ${{ secrets.T }}"]}, "y": "${{ input.count }}-${{ secrets.K }}${{ secrets.T }}", "z": "${{ input.count }}"}""",
            new TemplateOptions { AllowSecrets = true });

        var result = template.Evaluate(Rich(), out var secrets);

        Assert.Equal(
            [new SecretReference("/headers/A~1b/1", 7, "T"), new SecretReference("/y", 2, "K"), new SecretReference("/y", 18, "T")],
            secrets);
        Assert.Equal("3-${{ secrets.K }}${{ secrets.T }}", result.GetProperty("y").GetString());
    }

    [Theory]
    [InlineData("\"Bearer ${{ input.token }}\"")]
    [InlineData("\"${{ input.token }}\"")]
    [InlineData("\"${{ input.token + '' }}\"")]
    [InlineData("\"$${{ input.half }}\"")]
    [InlineData("\"${{ input.dollar }}${{ input.half }}\"")]
    [InlineData("{\"h\": \"${{ input }}\"}")]
    [InlineData("{\"h\": \"${{ ({a: input.token}) }}\"}")]
    public void Evaluate_TokenTextFromData_IsDataWithoutReference(string json)
    {
        var template = Compile(json, new TemplateOptions { AllowSecrets = true });
        var scope = Scopes.Minimal("""{"token": "${{ secrets.OTHER }}", "dollar": "$", "half": "{{ secrets.OTHER }}"}""");

        var result = template.Evaluate(scope, out var secrets);

        Assert.Empty(secrets);
        Assert.Contains("${{ secrets.OTHER }}", result.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ValueWithTokenText_OutsideSecretTemplate_IsPlainText()
    {
        var scope = Scopes.Minimal("""{"token": "${{ secrets.OTHER }}"}""");

        Assert.Equal("x ${{ secrets.OTHER }}", Compile("\"x ${{ input.token }}\"").Evaluate(scope).GetString());
    }

    [Fact]
    public void Evaluate_ResultOutlivesScopeDocuments()
    {
        var template = Compile("{\"a\": \"${{ input.x }}\", \"b\": \"${{ input.x + 1 }}\"}");
        JsonElement result;
        using (var document = JsonDocument.Parse("{\"x\": 5}"))
        {
            result = template.Evaluate(new ExpressionScope { Input = document.RootElement, Instance = Scopes.Instance, Now = Scopes.Now });
        }

        Assert.Equal("{\"a\":5,\"b\":6}", result.GetRawText());
    }

    [Fact]
    public void Evaluate_NodesDictionary_IsReadOnlyView()
    {
        var nodes = ImmutableDictionary<string, NodeView>.Empty.Add("a", new NodeView("succeeded", Scopes.Json("1"), null));
        var scope = new ExpressionScope { Input = Scopes.Json("{}"), Instance = Scopes.Instance, Now = Scopes.Now, Nodes = nodes };

        Assert.Equal(2, Eval("nodes.a.output + 1", scope).GetInt32());
    }

    [Theory]
    [InlineData("input.hasOwnProperty('b')", "true")]
    [InlineData("Object.keys(input)", "[\"a\",\"b\",\"c\"]")]
    [InlineData("JSON.stringify(input)", "\"{\\\"a\\\":1,\\\"b\\\":2,\\\"c\\\":{\\\"d\\\":3}}\"")]
    [InlineData("input.a + input['b'] + input.c.d", "6")]
    [InlineData("'b' in input", "true")]
    [InlineData("input?.hasOwnProperty('c')", "true")]
    [InlineData("((i) => i.b)(input)", "2")]
    [InlineData("Object.keys(globalThis.input)", "[\"a\",\"b\",\"c\"]")]
    public void Evaluate_PartialConversion_IsInvisibleToExpressions(string expression, string expected)
    {
        var result = Eval(expression, Scopes.Minimal("""{"a": 1, "b": 2, "c": {"d": 3}}"""));

        Assert.True(JsonElement.DeepEquals(Scopes.Json(expected), result), result.GetRawText());
    }

    [Fact]
    public void Evaluate_PartialReadInOneExpression_WholeReadInAnother_SeesEverything()
    {
        var template = Compile("\"${{ input.a + 1 }} ${{ Object.keys(input).length }}\"");

        Assert.Equal("2 3", template.Evaluate(Scopes.Minimal("""{"a": 1, "b": 2, "c": 3}""")).GetString());
    }
}
