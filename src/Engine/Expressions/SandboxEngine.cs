using System.Collections.Immutable;
using System.Globalization;
using Jint;
using Jint.Native;
using Jint.Runtime;
using JintEngine = Jint.Engine;

namespace Serverless.Engine.Expressions;

/// <summary>
/// A Jint engine locked down for workflow expressions: no CLR access, no <c>eval</c>, frozen built-ins, no
/// <c>Math.random</c>, the replay-safe clock, UTC, the invariant culture and deterministic limits. Not thread-safe:
/// each thread owns one (see <see cref="ExpressionSandbox"/>).
/// </summary>
internal sealed class SandboxEngine
{
    /// <summary>Statements one expression may run.</summary>
    public const int MaxStatements = 10_000;

    /// <summary>How deep function calls may nest.</summary>
    public const int MaxRecursionDepth = 64;

    /// <summary>The most elements an array built by an expression may have.</summary>
    public const uint MaxArraySize = 100_000;

    /// <summary>
    /// A regular expression match longer than this fails. The only time-based guard: it exists because .NET's
    /// backtracking regex engine can otherwise run for hours, and a well-formed pattern never comes near it.
    /// </summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] s_scopeNames = ["input", "nodes", "instance", "item", "index", "iteration", "previous", "output"];

    // Runs once per engine, before the statement budget applies.
    private static readonly string s_setup = $$"""
        (function () {
            'use strict';
            const limit = {{JsonValueConverter.MaxStringLength}};
            const tooLong = (n) => new RangeError('a string of ' + n + ' characters is longer than the limit of ' + limit);
            const wrap = (proto, name, check) => {
                const original = proto[name];
                Object.defineProperty(proto, name, {
                    value: { [name](...args) { check(String(this), args); return original.apply(this, args); } }[name],
                    writable: true, configurable: true, enumerable: false,
                });
            };
            wrap(String.prototype, 'repeat', (s, a) => { const n = s.length * Math.trunc(a[0]); if (n > limit) throw tooLong(n); });
            wrap(String.prototype, 'padStart', (s, a) => { if (a[0] > limit) throw tooLong(a[0]); });
            wrap(String.prototype, 'padEnd', (s, a) => { if (a[0] > limit) throw tooLong(a[0]); });
            Object.defineProperty(Math, 'random', {
                value: function random() { throw new Error('Math.random is not available: expressions must be deterministic'); },
                writable: true, configurable: true, enumerable: false,
            });

            // Freeze every built-in reachable from the global object so no evaluation can leave state behind.
            const seen = new Set([globalThis]);
            const freeze = (o) => {
                if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) return;
                seen.add(o);
                Object.freeze(o);
                for (const key of Reflect.ownKeys(o)) {
                    const d = Object.getOwnPropertyDescriptor(o, key);
                    if (d === undefined) continue;
                    if ('value' in d) freeze(d.value); else { freeze(d.get); freeze(d.set); }
                }
                freeze(Object.getPrototypeOf(o));
            };
            for (const key of Reflect.ownKeys(globalThis)) {
                const d = Object.getOwnPropertyDescriptor(globalThis, key);
                if (d !== undefined && 'value' in d) freeze(d.value);
            }
            freeze(Object.getPrototypeOf([][Symbol.iterator]()));
            freeze(Object.getPrototypeOf(new Map()[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(new Set()[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(''[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(/x/[Symbol.matchAll]('')));
            freeze(Object.getPrototypeOf(function* () {}));
            freeze(Object.getPrototypeOf(async function () {}));
            freeze(Object.getPrototypeOf(async function* () {}));

            // The scope variables are the only writable globals, and nothing can add another.
            for (const name of {{System.Text.Json.JsonSerializer.Serialize(s_scopeNames)}}) {
                Object.defineProperty(globalThis, name, { value: undefined, writable: true, enumerable: false, configurable: false });
            }
            Object.preventExtensions(globalThis);
        })();
        """;

    private readonly SandboxClock _clock = new();
    private readonly StatementBudget _budget = new();

    public SandboxEngine()
    {
        Engine = new JintEngine(options =>
        {
            options.TimeSystem = _clock;
            options.TimeZone = TimeZoneInfo.Utc;
            options.Culture = CultureInfo.InvariantCulture;
            options.Strict = true;
            options.LimitRecursion(MaxRecursionDepth);
            options.MaxArraySize(MaxArraySize);
            options.RegexTimeoutInterval(RegexTimeout);
            options.DisableStringCompilation();
            options.Constraint(_budget);
        });
        Engine.Execute(s_setup);
        _budget.Max = MaxStatements;
    }

    public JintEngine Engine { get; }

    /// <summary>Points the engine at <paramref name="scope"/>, converting only what the template reads.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="globals">The scope variables the template reads; the others become undefined.</param>
    /// <param name="nodes">The node ids to expose, or null for every node in the scope.</param>
    public void Bind(ExpressionScope scope, ScopeGlobals globals, ImmutableArray<string>? nodes)
    {
        _clock.Now = scope.Now;
        var engine = Engine;
        engine.SetValue("input", Has(globals, ScopeGlobals.Input) ? JsonValueConverter.ToJsValue(engine, scope.Input) : JsValue.Undefined);
        engine.SetValue("nodes", Has(globals, ScopeGlobals.Nodes) ? Nodes(scope, nodes) : JsValue.Undefined);
        engine.SetValue("instance", Has(globals, ScopeGlobals.Instance) ? Instance(scope.Instance) : JsValue.Undefined);
        engine.SetValue("item", Optional(globals, ScopeGlobals.Item, scope.Item));
        engine.SetValue("index", Has(globals, ScopeGlobals.Index) && scope.Index is { } index ? JsNumber.Create(index) : JsValue.Undefined);
        engine.SetValue("iteration", Has(globals, ScopeGlobals.Iteration) && scope.Iteration is { } iteration ? JsNumber.Create(iteration) : JsValue.Undefined);
        engine.SetValue("previous", Optional(globals, ScopeGlobals.Previous, scope.Previous));
        engine.SetValue("output", Optional(globals, ScopeGlobals.Output, scope.Output));
    }

    private static bool Has(ScopeGlobals globals, ScopeGlobals flag) => (globals & flag) != 0;

    private JsValue Optional(ScopeGlobals globals, ScopeGlobals flag, System.Text.Json.JsonElement? value)
        => Has(globals, flag) && value is { } json ? JsonValueConverter.ToJsValue(Engine, json) : JsValue.Undefined;

    private JsObject Instance(InstanceInfo instance)
    {
        var result = new JsObject(Engine);
        result.FastSetDataProperty("id", JsString.Create(instance.Id));
        result.FastSetDataProperty("workflow", JsString.Create(instance.Workflow));
        result.FastSetDataProperty("version", JsNumber.Create(instance.Version));
        result.FastSetDataProperty("startedAt", JsString.Create(JsonValueConverter.ToIsoString(instance.StartedAt)));
        return result;
    }

    private JsObject Nodes(ExpressionScope scope, ImmutableArray<string>? ids)
    {
        var result = new JsObject(Engine);
        if (ids is { } named)
        {
            foreach (var id in named)
            {
                if (scope.Nodes.TryGetValue(id, out var node))
                {
                    result.FastSetDataProperty(id, Node(node));
                }
            }
        }
        else
        {
            // Sorted so Object.keys(nodes) reads the same on every replay, whatever the dictionary's order.
            foreach (var (id, node) in scope.Nodes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                result.FastSetDataProperty(id, Node(node));
            }
        }

        return result;
    }

    private JsObject Node(NodeView node)
    {
        var result = new JsObject(Engine);
        result.FastSetDataProperty("status", JsString.Create(node.Status));
        result.FastSetDataProperty("output", node.Output is { } output ? JsonValueConverter.ToJsValue(Engine, output) : JsValue.Null);
        result.FastSetDataProperty("error", JsonValueConverter.ToJsValue(Engine, node.Error));
        return result;
    }

    /// <summary>The clock expressions see: the scope's replay-safe time, in UTC.</summary>
    private sealed class SandboxClock : ITimeSystem
    {
        private readonly DefaultTimeSystem _parser = new(TimeZoneInfo.Utc, CultureInfo.InvariantCulture);

        public DateTimeOffset Now { get; set; }

        public TimeZoneInfo DefaultTimeZone => TimeZoneInfo.Utc;

        public DateTimeOffset GetUtcNow() => Now;

        public bool TryParse(string date, out long epochMilliseconds) => _parser.TryParse(date, out epochMilliseconds);

        public TimeSpan GetUtcOffset(long epochMilliseconds) => TimeSpan.Zero;
    }

    /// <summary>Counts statements; unlimited while <see cref="Max"/> is 0 (engine set-up).</summary>
    private sealed class StatementBudget : Constraint
    {
        private int _count;

        public int Max { get; set; }

        public override void Check()
        {
            if (Max > 0 && ++_count > Max)
            {
                throw new StatementsCountOverflowException();
            }
        }

        public override void Reset() => _count = 0;
    }
}
