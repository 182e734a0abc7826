using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Expressions;

public sealed class SandboxTests
{
    private static JsonElement Eval(string expression, ExpressionScope? scope = null) => TemplateEvaluateTests.Eval(expression, scope);

    private static ExpressionException Fails(string expression, ExpressionScope? scope = null)
        => Assert.Throws<ExpressionException>(() => Eval(expression, scope));

    [Fact]
    public void DateNow_ReturnsScopeNow()
    {
        Assert.Equal(Scopes.Now.ToUnixTimeMilliseconds(), Eval("Date.now()").GetInt64());
        Assert.Equal("2026-03-04T05:06:07.890Z", Eval("new Date().toISOString()").GetString());
        Assert.Equal("2026-03-04T05:06:07.890Z", Eval("new Date()").GetString());
    }

    [Fact]
    public void DateCalledAsFunction_UsesScopeNow()
    {
        var text = Eval("Date()").GetString();

        Assert.Contains("Mar 04 2026 05:06:07", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DateNow_FollowsEachScope()
    {
        var later = Scopes.Minimal() is var s ? new ExpressionScope { Input = s.Input, Instance = s.Instance, Now = Scopes.Now.AddDays(1) } : null;

        Assert.Equal(Scopes.Now.ToUnixTimeMilliseconds(), Eval("Date.now()").GetInt64());
        Assert.Equal(Scopes.Now.AddDays(1).ToUnixTimeMilliseconds(), Eval("Date.now()", later).GetInt64());
    }

    [Fact]
    public void Dates_UseUtc()
    {
        Assert.Equal("[5,0,\"2026-03-04T00:00:00.000Z\"]", Eval("[new Date().getHours(), new Date().getTimezoneOffset(), new Date(2026, 2, 4).toISOString()]").GetRawText());
    }

    [Fact]
    public void MathRandom_IsNotAvailable()
    {
        var ex = Fails("Math.random()");

        Assert.Contains("not available", ex.Message, StringComparison.Ordinal);
        Assert.Contains("deterministic", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Math.random = () => 4")]
    [InlineData("Array.prototype.map = null")]
    [InlineData("Object.prototype.polluted = 1")]
    [InlineData("Date.now = () => 0")]
    [InlineData("JSON.parse = null")]
    [InlineData("Object.getPrototypeOf([].values()).next = null")]
    [InlineData("Object.getPrototypeOf((async () => 1)()).then = null")]
    [InlineData("Object.getPrototypeOf(function* () {}).x = 1")]
    [InlineData("String.prototype.repeat = null")]
    [InlineData("Object.defineProperty(Math, 'PI', {value: 3})")]
    public void Builtins_AreFrozen(string expression)
    {
        Fails(expression);

        Assert.Equal("true", Eval("typeof Object.prototype.polluted === 'undefined' && [1].map(x => x).length === 1 && typeof JSON.parse === 'function'").GetRawText());
        Assert.Equal(Scopes.Now.ToUnixTimeMilliseconds(), Eval("Date.now()").GetInt64());
    }

    [Fact]
    public void GlobalAssignedByOneExpression_IsNotSeenByTheNext()
    {
        // Whether or not the write itself is refused, the next evaluation on the same (pooled) engine must not see it.
        try
        {
            Eval("(globalThis.leak = 42, this.leak2 = 1)");
        }
        catch (ExpressionException)
        {
        }

        Assert.Throws<ExpressionException>(() => Eval("leak = 1"));
        Assert.Equal("\"undefined\"", Eval("typeof leak").GetRawText());
        Assert.Equal("\"undefined\"", Eval("typeof leak2").GetRawText());
    }

    [Fact]
    public void ScopeVariableMutated_IsFreshNextEvaluation()
    {
        var scope = Scopes.Minimal("{\"a\": 1}");
        var withItem = new ExpressionScope { Input = scope.Input, Instance = scope.Instance, Now = scope.Now, Item = Scopes.Json("7") };

        Eval("(input.a = 99, item = 5, input.a)", withItem);

        Assert.Equal(1, Eval("input.a + 0", scope).GetInt32());
        Assert.Equal("\"undefined\"", Eval("typeof item", scope).GetRawText());
    }

    [Fact]
    public void ScopeVariable_NotReferenced_DoesNotKeepPreviousValue()
    {
        var withItem = new ExpressionScope { Input = Scopes.Json("{}"), Instance = Scopes.Instance, Now = Scopes.Now, Item = Scopes.Json("7") };

        Assert.Equal(8, Eval("item + 1", withItem).GetInt32());
        // Reaches item only through globalThis: still undefined in a scope without one.
        Assert.Equal("\"undefined\"", Eval("typeof globalThis['it' + 'em']").GetRawText());
    }

    [Theory]
    [InlineData("typeof System")]
    [InlineData("typeof importNamespace")]
    [InlineData("typeof clr")]
    [InlineData("typeof require")]
    [InlineData("typeof process")]
    [InlineData("typeof fetch")]
    [InlineData("typeof XMLHttpRequest")]
    [InlineData("typeof setTimeout")]
    [InlineData("typeof Intl")]
    [InlineData("typeof Temporal")]
    [InlineData("typeof WeakRef")]
    [InlineData("typeof FinalizationRegistry")]
    [InlineData("typeof SharedArrayBuffer")]
    public void ClrAndHostObjects_AreUnavailable(string expression)
    {
        Assert.Equal("\"undefined\"", Eval(expression).GetRawText());
    }

    [Fact]
    public void Eval_IsRemoved()
    {
        var ex = Fails("eval('1 + 1')");

        Assert.Contains("eval is not defined", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Function('return 1')()")]
    [InlineData("(() => {}).constructor('return 1')()")]
    public void StringCompilation_IsRefused(string expression)
    {
        var ex = Fails(expression);

        Assert.Contains("compilation", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void StatementLimit_StopsEndlessLoop()
    {
        var ex = Fails("(() => { while (true) {} })()");

        Assert.Contains("10000 statements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StatementLimit_CountsArrowCallbacks()
    {
        Fails("Array.from({length: 20000}, (_, i) => i).length");
    }

    [Fact]
    public void StatementLimit_AppliesPerEvaluation()
    {
        // Each uses well over half the budget: they pass only if the count restarts per evaluation.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2000, Eval("Array.from({length: 4000}, (_, i) => i).filter(x => true).length / 2").GetInt32());
        }
    }

    [Fact]
    public void RecursionLimit_StopsDeepRecursion()
    {
        var ex = Fails("(function f(n) { return n === 0 ? 0 : 1 + f(n - 1); })(1000)");

        Assert.Contains("deeper than the limit of 64", ex.Message, StringComparison.Ordinal);
        Assert.Equal(30, Eval("(function f(n) { return n === 0 ? 0 : 1 + f(n - 1); })(30)").GetInt32());
    }

    [Theory]
    [InlineData("new Array(1e7).length")]
    [InlineData("'x'.repeat(2 ** 21)")]
    [InlineData("'x'.padEnd(2 ** 21)")]
    [InlineData("'x'.padStart(2 ** 21)")]
    [InlineData("[...Array(22)].reduce(a => a + a, 'x')")]
    [InlineData("Array.from({length: 5000}, () => 'x'.repeat(1000))")]
    public void SizeLimits_StopLargeValues(string expression)
    {
        var ex = Fails(expression);

        Assert.Contains("limit", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SizeLimits_AllowOrdinaryValues()
    {
        Assert.Equal(1000, Eval("'ab'.repeat(500).length").GetInt32());
        Assert.Equal(1000, Eval("Array.from({length: 1000}, (_, i) => i)").GetArrayLength());
    }

    [Fact]
    public void EngineAfterLimitBreak_KeepsWorking()
    {
        Fails("(() => { while (true) {} })()");
        Fails("(function f() { return f(); })()");

        Assert.Equal(3, Eval("1 + 2").GetInt32());
        Assert.Equal(Scopes.Now.ToUnixTimeMilliseconds(), Eval("Date.now()").GetInt64());
    }

    [Fact]
    public void Culture_IsInvariantWhateverTheThreadCulture()
    {
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");

            Assert.Equal("\"1.5|1,234.5|0.1\"", Eval("String(1.5) + '|' + (1234.5).toLocaleString() + '|' + 0.1").GetRawText());
            Assert.Equal(1.5, Eval("1.5").GetDouble());
            Assert.Equal("v=2.25", TemplateEvaluateTests.Compile("\"v=${{ 1.5 * 1.5 }}\"").Evaluate(Scopes.Minimal()).GetString());
            Assert.Equal("\"a,b\"", Eval("['a', 'b'].toLocaleString()").GetRawText());
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
            CultureInfo.CurrentUICulture = original;
        }
    }

    [Fact]
    public async Task Evaluate_ConcurrentThreads_IsolatedAndCorrect()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var template = TemplateEvaluateTests.Compile("\"${{ [input.n * 2, Date.now()] }}\"");

        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(
            () =>
            {
                for (var i = 0; i < 200; i++)
                {
                    var n = (worker * 1000) + i;
                    var scope = new ExpressionScope { Input = Scopes.Json("{\"n\": " + n + "}"), Instance = Scopes.Instance, Now = Scopes.Now.AddSeconds(n) };
                    var result = template.Evaluate(scope);
                    Assert.Equal(n * 2, result[0].GetInt32());
                    Assert.Equal(Scopes.Now.AddSeconds(n).ToUnixTimeMilliseconds(), result[1].GetInt64());
                }
            },
            timeout.Token));

        await Task.WhenAll(tasks).WaitAsync(timeout.Token);
    }

    [Fact]
    public void RegExpLegacyStatics_OneEvaluationsMatch_IsInvisibleToTheNext()
    {
        // Both run on this thread's one engine, as two instances' expressions would.
        Assert.Equal("S3CR3T-froma", Eval("/(S3CR3T-[a-z]+)/.exec('S3CR3T-froma')[1]").GetString());

        Assert.Equal(JsonValueKind.Null, Eval("RegExp.$1 ?? null").ValueKind);
        Assert.Equal(JsonValueKind.Null, Eval("RegExp.lastMatch ?? null").ValueKind);
        Assert.Equal(JsonValueKind.Null, Eval("RegExp['$&'] ?? null").ValueKind);
        Assert.Equal(JsonValueKind.Null, Eval("RegExp.input ?? null").ValueKind);
        Assert.Equal("[]", Eval("Reflect.ownKeys(RegExp).filter(k => typeof k === 'string' && k.startsWith('$'))").GetRawText());
    }

    [Fact]
    public void SymbolRegistry_IsNotAvailable_SoNothingCanBeLeftInIt()
    {
        Assert.Equal("undefined", Eval("typeof Symbol.for").GetString());
        Assert.Equal("undefined", Eval("typeof Symbol.keyFor").GetString());
        Fails("Symbol.for('shared')");
    }

    // Every way an expression could try to leave state in the engine it shares with other instances, each attempted on
    // its own (most are refused: the expression catches the refusal and carries on, so the engine is kept).
    private const string Tamper = """
        (() => {
            const attempts = [
                () => /(S3CR3T-[a-z]+)/.exec('S3CR3T-froma'),
                () => 'S3CR3T-froma'.replace(/(S3CR3T)/, '$1'),
                () => { const r = /S3CR3T/g; r.exec('S3CR3T S3CR3T'); },
                () => { globalThis.leak = 'A'; },
                () => { this.leak2 = 'A'; },
                () => { globalThis['no' + 'des'] = 'A'; },
                () => { globalThis['it' + 'em'] = 'A'; },
                () => { globalThis['out' + 'put'] = 'A'; },
                () => { globalThis['prev' + 'ious'] = 'A'; },
                () => { globalThis['ind' + 'ex'] = 'A'; },
                () => { globalThis['iter' + 'ation'] = 'A'; },
                () => { instance.id = 'A'; },
                () => { input.secret = 'A'; },
                () => { Object.prototype.polluted = 'A'; },
                () => { Object.defineProperty(Object.prototype, 'polluted', { get: () => 'A' }); },
                () => { Array.prototype.polluted = 'A'; },
                () => { String.prototype.polluted = 'A'; },
                () => { Function.prototype.polluted = 'A'; },
                () => { Object.setPrototypeOf(Array.prototype, { polluted: 'A' }); },
                () => { Array.prototype[Symbol.iterator] = function* () { yield 'A'; }; },
                () => { Array.prototype.join = () => 'A'; },
                () => { JSON.parse = () => 'A'; },
                () => { JSON.stringify = () => 'A'; },
                () => { Math.max = () => 'A'; },
                () => { Date.now = () => 0; },
                () => { Date.prototype.toISOString = () => 'A'; },
                () => { RegExp.prototype.exec = () => null; },
                () => { Error.prepareStackTrace = () => 'A'; },
                () => { Error.stackTraceLimit = 0; },
                () => { Error.prototype.message = 'A'; },
                () => { Symbol.prototype.description = 'A'; },
                () => { Symbol.for('shared'); },
                () => { Object.getPrototypeOf(function* () {}).prototype.polluted = 'A'; },
                () => { Iterator.prototype.polluted = 'A'; },
                () => { ((t) => { t.polluted = 'A'; })`tagged`; },
                () => { Reflect.defineProperty(globalThis, 'leak3', { value: 'A' }); },
            ];
            return attempts.map((attempt) => { try { attempt(); return 'done'; } catch (e) { return e.name; } });
        })()
        """;

    // What an evaluation can see of all that, and of the instance it runs for.
    private const string Observe = """
        [
            RegExp.$1 ?? null, RegExp.lastMatch ?? null, RegExp['$_'] ?? null, RegExp.leftContext ?? null,
            (() => { const r = /S3CR3T/g; return r.lastIndex; })(),
            Object.getOwnPropertyNames(globalThis).sort().join(),
            [typeof globalThis['no' + 'des'], typeof globalThis['it' + 'em'], typeof globalThis['out' + 'put'],
                typeof globalThis['prev' + 'ious'], typeof globalThis['ind' + 'ex'], typeof globalThis['iter' + 'ation']],
            instance.id, JSON.stringify(input),
            ({}).polluted, [].polluted, ''.polluted, (() => 1).polluted, [...[1, 2]].join(), [1, 2].join(),
            JSON.parse('1'), JSON.stringify([1]), Math.max(1, 2), Date.now(), new Date(0).toISOString(), /a/.exec('a')[0],
            typeof Error.prepareStackTrace, Error.stackTraceLimit, new Error('m').message, Symbol('d').description,
            typeof Symbol.for, Object.getPrototypeOf(function* () {}).prototype.polluted, Iterator.prototype.polluted,
            ((t) => t.polluted)`tagged`, typeof leak3,
        ]
        """;

    [Fact]
    public void TwoInstancesInterleavedOnOneThread_NeitherSeesAnythingOfTheOther()
    {
        var a = new ExpressionScope { Input = Scopes.Json("""{"who": "a"}"""), Instance = new InstanceInfo("inst-a", "orders", 3, Scopes.Now), Now = Scopes.Now };
        var b = new ExpressionScope { Input = Scopes.Json("""{"who": "b"}"""), Instance = new InstanceInfo("inst-b", "orders", 3, Scopes.Now), Now = Scopes.Now.AddHours(1) };
        var tamper = TemplateEvaluateTests.Compile(JsonSerializer.Serialize("${{ " + Tamper + " }}"));
        var observe = TemplateEvaluateTests.Compile(JsonSerializer.Serialize("${{ " + Observe + " }}"));

        // What each instance sees on an engine nobody else has used.
        string Pristine(ExpressionScope scope) => OnNewThread(() => observe.Evaluate(scope).GetRawText());
        var (pristineA, pristineB) = (Pristine(a), Pristine(b));

        var (attempts, afterA, afterB, againA) = OnNewThread(() =>
        {
            var attempts = tamper.Evaluate(a).GetRawText();
            var seenByB = observe.Evaluate(b).GetRawText();
            tamper.Evaluate(b);
            var seenByA = observe.Evaluate(a).GetRawText();
            return (attempts, seenByB, observe.Evaluate(b).GetRawText(), seenByA);
        });

        // Most attempts are refused; the rest (the matches, a regex's own lastIndex, changes to A's own copies of its
        // scope values) touch only what the evaluation itself made.
        Assert.Contains("TypeError", attempts, StringComparison.Ordinal);
        Assert.Contains("inst-a", pristineA, StringComparison.Ordinal);
        Assert.Contains("inst-b", pristineB, StringComparison.Ordinal);
        Assert.Equal(pristineB, afterA);
        Assert.Equal(pristineB, afterB);
        Assert.Equal(pristineA, againA);
    }

    private static T OnNewThread<T>(Func<T> work)
    {
        // A thread of its own gets an engine of its own: nothing else in the test run can have used it.
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the evaluation did not finish in 30 s");
        return failure is null ? result : throw new InvalidOperationException("evaluation failed", failure);
    }
}
