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
    /// The managed memory one evaluation may allocate, in bytes (64 MiB), whether or not it is still in use: checked at
    /// every statement and every 1,024 elements of a built-in's loop, and charged for a <c>+</c> concatenation when it is
    /// made. <see cref="LengthLimitedBuiltins"/> covers the built-ins that could exceed it within one call.
    /// </summary>
    public const long MaxAllocatedBytes = 64L * 1024 * 1024;

    /// <summary>
    /// A regular expression match longer than this fails. The only time-based guard: it exists because .NET's
    /// backtracking regex engine can otherwise run for hours, and a well-formed pattern never comes near it.
    /// </summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] s_scopeNames = ["input", "nodes", "instance", "item", "index", "iteration", "previous", "output"];

    private static readonly string[] s_removedGlobals =
    [
        "Intl", "Temporal", "ShadowRealm", "WeakRef", "FinalizationRegistry", "WeakMap", "WeakSet", "Promise", "Proxy",
        "SharedArrayBuffer", "Atomics", "ArrayBuffer", "DataView", "TypedArray", "Int8Array", "Uint8Array", "Uint8ClampedArray",
        "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array",
        "BigInt64Array", "BigUint64Array", "DisposableStack", "AsyncDisposableStack", "AsyncIterator", "Generator",
        "SuppressedError", "AggregateError", "eval", "escape", "unescape",
    ];

    private static readonly (ScopeGlobals Flag, string Name)[] s_scopeFlags =
    [
        (ScopeGlobals.Input, "input"), (ScopeGlobals.Nodes, "nodes"), (ScopeGlobals.Instance, "instance"), (ScopeGlobals.Item, "item"),
        (ScopeGlobals.Index, "index"), (ScopeGlobals.Iteration, "iteration"), (ScopeGlobals.Previous, "previous"), (ScopeGlobals.Output, "output"),
    ];

    // Runs once per engine, before the statement budget applies.
    private static readonly string s_setup = $$"""
        (function () {
            'use strict';
            Object.defineProperty(Math, 'random', {
                value: function random() { throw new Error('Math.random is not available: expressions must be deterministic'); },
                writable: true, configurable: true, enumerable: false,
            });

            // Built-ins expressions have no use for, or that are not deterministic (Intl follows the host's ICU data,
            // WeakRef and FinalizationRegistry the garbage collector, Temporal.Now the wall clock), are removed; it
            // also keeps engine set-up cheap, as Jint creates built-ins on first touch.
            const hidden = [Object.getPrototypeOf(async function () {}), Promise, AggregateError, SuppressedError];
            for (const name of {{System.Text.Json.JsonSerializer.Serialize(s_removedGlobals)}}) {
                delete globalThis[name];
            }

            // This engine serves every instance whose expressions run on its thread, so engine-wide state one evaluation
            // could leave for the next is removed: RegExp's legacy static match properties (RegExp.$1, lastMatch, ...)
            // and the global symbol registry (Symbol.for, Symbol.keyFor).
            for (const name of Reflect.ownKeys(RegExp)) {
                if (typeof name === 'string' && (name.startsWith('$') || ['input', 'lastMatch', 'lastParen', 'leftContext', 'rightContext'].includes(name))) {
                    delete RegExp[name];
                }
            }
            delete Symbol.for;
            delete Symbol.keyFor;

            // Freeze every built-in still reachable so no evaluation can leave state behind for the next.
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
            hidden.forEach(freeze);
            freeze(Object.getPrototypeOf([][Symbol.iterator]()));
            freeze(Object.getPrototypeOf(new Map()[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(new Set()[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(''[Symbol.iterator]()));
            freeze(Object.getPrototypeOf(/x/[Symbol.matchAll]('')));
            freeze(Object.getPrototypeOf([].values().map((x) => x)));
            freeze(Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } })));
            freeze(Object.getPrototypeOf(function* () {}));
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
    private ScopeGlobals _bound;

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
            options.LimitMemory(MaxAllocatedBytes);
            // Recursion through built-ins (nested arrays joined, getters) is not counted as calls: fail it while there
            // is stack left, rather than let a stack overflow end the process.
            options.Constraints.StackOverflowGuard = true;
            options.DisableStringCompilation();
            options.Constraint(_budget);
        });
        LengthLimitedBuiltins.Install(Engine);
        Engine.Execute(s_setup);
        _budget.Max = MaxStatements;
    }

    public JintEngine Engine { get; }

    /// <summary>Points the engine at <paramref name="scope"/>, converting only what the template reads.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="template">The template: which scope variables (and properties) it reads; the others become undefined.</param>
    /// <param name="nodes">The node ids to expose, or null for every node in the scope.</param>
    public void Bind(ExpressionScope scope, CompiledTemplate template, ImmutableArray<string>? nodes)
    {
        _clock.Now = scope.Now;
        var globals = template.Globals;
        // Only globals the last evaluation set can hold a stale value; the rest are already undefined.
        var reset = _bound & ~globals;
        _bound = globals;
        if (reset != ScopeGlobals.None)
        {
            foreach (var (flag, name) in s_scopeFlags)
            {
                if (Has(reset, flag))
                {
                    Engine.SetValue(name, JsValue.Undefined);
                }
            }
        }

        foreach (var (flag, name) in s_scopeFlags)
        {
            if (Has(globals, flag))
            {
                Engine.SetValue(name, Value(flag, scope, template, nodes));
            }
        }
    }

    private static bool Has(ScopeGlobals globals, ScopeGlobals flag) => (globals & flag) != 0;

    private JsValue Value(ScopeGlobals flag, ExpressionScope scope, CompiledTemplate template, ImmutableArray<string>? nodes) => flag switch
    {
        ScopeGlobals.Input => Json(scope.Input, flag, template),
        ScopeGlobals.Nodes => Nodes(scope, nodes),
        ScopeGlobals.Instance => Instance(scope.Instance),
        ScopeGlobals.Item => scope.Item is { } item ? Json(item, flag, template) : JsValue.Undefined,
        ScopeGlobals.Index => scope.Index is { } index ? JsNumber.Create(index) : JsValue.Undefined,
        ScopeGlobals.Iteration => scope.Iteration is { } iteration ? JsNumber.Create(iteration) : JsValue.Undefined,
        ScopeGlobals.Previous => scope.Previous is { } previous ? Json(previous, flag, template) : JsValue.Undefined,
        ScopeGlobals.Output => scope.Output is { } output ? Json(output, flag, template) : JsValue.Undefined,
        _ => JsValue.Undefined,
    };

    private JsValue Json(System.Text.Json.JsonElement value, ScopeGlobals flag, CompiledTemplate template)
    {
        if (value.ValueKind != System.Text.Json.JsonValueKind.Object || !template.PartialReads.TryGetValue(flag, out var names))
        {
            return JsonValueConverter.ToJsValue(Engine, value);
        }

        // The expressions can only observe these properties, so the rest need no conversion.
        var result = new JsObject(Engine);
        foreach (var name in names)
        {
            if (value.TryGetProperty(name, out var property))
            {
                result.FastSetDataProperty(name, JsonValueConverter.ToJsValue(Engine, property));
            }
        }

        return result;
    }

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
