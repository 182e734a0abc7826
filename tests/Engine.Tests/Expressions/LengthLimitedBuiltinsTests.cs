using System.Diagnostics;
using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Tests.Expressions;

public sealed class LengthLimitedBuiltinsTests
{
    // A million-character string: the limit is 1,048,576, so two of them are over it.
    private const string Big = "const b = 'x'.repeat(1000000);";

    private static JsonElement Eval(string expression) => TemplateEvaluateTests.Eval(expression);

    [Theory]
    [InlineData("new Array(500).fill('x'.repeat(1000000)).join('').length")]
    [InlineData("new Array(1100).fill('x'.repeat(1000000)).join('').length")]
    [InlineData("(() => { let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length; })()")]
    [InlineData("(() => { let s = 'x'.repeat(1000000); for (let i = 0; i < 40; i++) s = `${s}${s}`; return s.length; })()")]
    [InlineData("(() => { let s = 'x'; for (let i = 0; i < 40; i++) s += s; return s.length; })()")]
    [InlineData("'x'.repeat(2 ** 21)")]
    [InlineData("'x'.repeat(500000000).length")]
    [InlineData("'x'.padStart(500000000).length")]
    [InlineData("'x'.padEnd(500000000, 'ab').length")]
    [InlineData("(() => { " + Big + " return ''.concat(...new Array(500).fill(b)).length; })()")]
    [InlineData("(() => { " + Big + " return b.concat(b).length; })()")]
    [InlineData("(() => { " + Big + " return JSON.stringify(new Array(500).fill(b)).length; })()")]
    [InlineData("(() => { " + Big + " return JSON.stringify({a: new Array(500).fill(b)}, null, 2).length; })()")]
    [InlineData("(() => { " + Big + " return JSON.stringify(new Array(500).fill(new String(b))).length; })()")]
    [InlineData("(() => { " + Big + " return JSON.stringify(new Array(500).fill({k: b}), ['k']).length; })()")]
    [InlineData("(() => { " + Big + " return JSON.stringify(new Array(500).fill(1), (k, v) => k === '' ? v : b).length; })()")]
    [InlineData("(() => { let a = [1, 2]; for (let i = 0; i < 30; i++) a = [a, a]; return JSON.stringify(a).length; })()")]
    [InlineData("(() => { const s = 'x'.repeat(100000); return JSON.stringify(s.split('').map(() => '\\u0001'.repeat(10))).length; })()")]
    [InlineData("(() => { let a = [1, 2]; for (let i = 0; i < 30; i++) a = [a, a]; return String(a).length; })()")]
    [InlineData("(() => { " + Big + " return new Array(500).fill(b).toString().length; })()")]
    [InlineData("(() => { " + Big + " return new Array(500).fill(b).toLocaleString().length; })()")]
    [InlineData("(() => { " + Big + " return [b, b].join().length; })()")]
    [InlineData("Array.prototype.join.call({length: 1e9}, 'x').length")]
    [InlineData("(() => { " + Big + " return String.raw({raw: new Array(500).fill(b)}).length; })()")]
    [InlineData("(() => { " + Big + " return b.replaceAll('x', 'x'.repeat(1000)).length; })()")]
    [InlineData("(() => { " + Big + " return b.replaceAll('x', '$`').length; })()")]
    [InlineData("'x'.repeat(30000).replaceAll('x', '$`').length")]
    [InlineData("'x'.repeat(30000).replace(/x/g, '$`').length")]
    [InlineData("'x'.repeat(30000).replace(/(x)/g, '$1$&$1$&'.repeat(20)).length")]
    [InlineData("'x'.repeat(5000).replaceAll('x', () => 'y'.repeat(100000)).length")]
    [InlineData("'x'.repeat(5000).replace(/x/g, () => 'y'.repeat(100000)).length")]
    [InlineData("(() => { " + Big + " return b.replace('x', b + b).length; })()")]
    [InlineData("/x/g[Symbol.replace]('x'.repeat(30000), '$`').length")]
    [InlineData("Array.from({length: 500}, () => 'x'.repeat(1000000)).join('').length")]
    [InlineData("Array.from({length: 5000}, () => 'x'.repeat(1000)).join('').length")]
    [InlineData("new Array(1e7).fill(0).length")]
    public void LimitBreakingExpression_FailsFastWithinTheBudget(string expression)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var ex = Assert.Throws<ExpressionException>(() => Eval(expression));

        Assert.True(ex.Message.Contains("limit", StringComparison.Ordinal), ex.Message);
        // The budget is 64 MiB; allow the engine set-up that follows a broken limit and the failure's own work.
        var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(used < 200L * 1024 * 1024, $"{expression} allocated {used / 1048576} MiB before failing: {ex.Message}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{expression} took {clock.Elapsed} to fail: {ex.Message}");
        Assert.Equal(3, Eval("1 + 2").GetInt32());
    }

    [Fact]
    public void LimitBreak_CannotBeCaughtByTheExpression()
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval("(() => { try { return ['x'.repeat(1048576), 'x'].join(); } catch (e) { return 'caught'; } })()"));

        Assert.Contains("Array.prototype.join would build a string of at least 1048577 characters, longer than the limit of 1048576", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, [2, [3, null]], undefined, 'a'].join()", "1,2,3,,,a")]
    [InlineData("[1, 2, 3].join(' - ')", "1 - 2 - 3")]
    [InlineData("[1, 2].join(undefined)", "1,2")]
    [InlineData("[].join()", "")]
    [InlineData("String([1, [2, 3]])", "1,2,3")]
    [InlineData("`${[1, 2]}`", "1,2")]
    [InlineData("(() => { const a = [1]; a.push(a, 2); return a.join('-'); })()", "1--2")]
    [InlineData("Array.prototype.join.call({length: 3, 0: 'a', 2: 'c'})", "a,,c")]
    [InlineData("Array.prototype.join.call('abc', '.')", "a.b.c")]
    [InlineData("[1, {toString() { return 'o'; }}].join()", "1,o")]
    [InlineData("[1234.5, null, 'a'].toLocaleString()", "1,234.5,,a")]
    [InlineData("'ab'.repeat(3)", "ababab")]
    [InlineData("'ab'.repeat(0)", "")]
    [InlineData("'5'.padStart(3, '0') + '5'.padEnd(3) + '|' + 'abc'.padStart(2) + 'x'.padStart(4, '')", "0055  |abcx")]
    [InlineData("'a'.concat(1, null, [2, 3])", "a1null2,3")]
    [InlineData("String.raw`a\\n${1 + 1}b${'c'}`", "a\\n2bc")]
    [InlineData("String.raw({raw: ['x', 'y', 'z']}, 1)", "x1yz")]
    [InlineData("'a-b-c'.replace('-', '+')", "a+b-c")]
    [InlineData("'a-b-c'.replaceAll('-', '+')", "a+b+c")]
    [InlineData("'abc'.replace('b', '[$&|$`|$\\'|$$|$1]')", "a[b|a|c|$|$1]c")]
    [InlineData("'abc'.replaceAll('', '_')", "_a_b_c_")]
    [InlineData("'2026-03-04'.replace(/(\\d+)-(\\d+)-(\\d+)/, '$3.$2.$1')", "04.03.2026")]
    [InlineData("'2026-03-04'.replace(/(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)/, '$<d>/$<m>/$<y>$<nope>')", "04/03/2026")]
    [InlineData("'aXbX'.replace(/x/gi, (m, p) => m.toLowerCase() + p)", "ax1bx3")]
    [InlineData("'ab'.replace(/(a)|(z)/, '[$1$2$3$10]')", "[a$3a0]b")]
    [InlineData("'ab'.replace(/a/, '$0$00$')", "$0$00$b")]
    [InlineData("'x-y'.replace({[Symbol.replace]: (s, r) => s + r}, '!')", "x-y!")]
    [InlineData("'aaa'.replace(/a/g, (m, p, s) => s.length + p)", "345")]
    public void OrdinaryUse_GivesTheStandardResult(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression).GetString());
    }

    [Theory]
    [InlineData("JSON.stringify({b: 1, a: [1, 'x', null, true, undefined, () => 1], c: undefined, d: new Date(0)})", "{\"b\":1,\"a\":[1,\"x\",null,true,null,null],\"d\":\"1970-01-01T00:00:00.000Z\"}")]
    [InlineData("JSON.stringify({a: [1, {b: 2}]}, null, 2)", "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ]\n}")]
    [InlineData("JSON.stringify([1, [2]], null, '--')", "[\n--1,\n--[\n----2\n--]\n]")]
    [InlineData("JSON.stringify({a: 1, b: 2, c: {a: 3, z: 4}}, ['c', 'a'])", "{\"c\":{\"a\":3},\"a\":1}")]
    [InlineData("JSON.stringify({a: 1, b: 'x'}, (k, v) => typeof v === 'number' ? v * 10 : v)", "{\"a\":10,\"b\":\"x\"}")]
    [InlineData("JSON.stringify([new String('s'), new Number(2), new Boolean(false)])", "[\"s\",2,false]")]
    [InlineData("JSON.stringify({toJSON(k) { return 'key:' + k; }})", "\"key:\"")]
    [InlineData("JSON.stringify('\\u0001\"\\\\\\n\\ud800')", "\"\\u0001\\\"\\\\\\n\\ud800\"")]
    [InlineData("JSON.stringify(Object.create({a: 1}, {b: {value: 2, enumerable: true}}), ['a', 'b'])", "{\"a\":1,\"b\":2}")]
    [InlineData("JSON.stringify({a: [{a: 1, b: 2}]}, ['a'])", "{\"a\":[{\"a\":1}]}")]
    [InlineData("JSON.stringify({x: JSON.rawJSON('123')})", "{\"x\":123}")]
    [InlineData("String(JSON.stringify(undefined))", "undefined")]
    [InlineData("JSON.stringify(1, null, new Number(3))", "1")]
    public void Stringify_OrdinaryUse_GivesTheStandardResult(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression).GetString());
    }

    [Theory]
    [InlineData("(() => { const a = {}; a.self = a; return JSON.stringify(a); })()")]
    [InlineData("(() => { const a = {}; a.self = a; return JSON.stringify(a, ['self']); })()")]
    [InlineData("(() => { const a = {}; a.list = [{x: a}]; return JSON.stringify(a, ['list', 'x']); })()")]
    public void Stringify_CircularValue_IsATypeError(string expression)
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval(expression));

        Assert.Contains("TypeError", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedArray_FailsAsAnErrorInsteadOfOverflowingTheStack()
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval("(() => { let o = []; for (let i = 0; i < 9000; i++) o = [o]; return String(o).length; })()"));

        Assert.True(ex.Message.Contains("stack", StringComparison.OrdinalIgnoreCase), ex.Message);
    }
}
