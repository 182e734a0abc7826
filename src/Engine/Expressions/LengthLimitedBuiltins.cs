using System.Runtime.CompilerServices;
using System.Text;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using JintEngine = Jint.Engine;

namespace Serverless.Engine.Expressions;

/// <summary>
/// Versions of the built-ins that can build a long string in one native call, which refuse a result longer than
/// <see cref="JsonValueConverter.MaxStringLength"/> before they build it: <c>String.prototype</c> <c>repeat</c>,
/// <c>padStart</c>, <c>padEnd</c>, <c>concat</c>, <c>replace</c>, <c>replaceAll</c>; <c>RegExp.prototype[Symbol.replace]</c>;
/// <c>Array.prototype</c> <c>join</c> (and so <c>toString</c>) and <c>toLocaleString</c>; <c>String.raw</c>;
/// <c>JSON.stringify</c>.
/// </summary>
/// <remarks>
/// The engine's allocation budget (<see cref="SandboxEngine.MaxAllocatedBytes"/>) is checked between statements and
/// every so many iterations of a native loop, so on its own it cannot stop one call that copies the same string a
/// thousand times (<c>new Array(500).fill(s).join('')</c>). These can: each counts the characters its result would
/// have and fails with <see cref="MemoryLimitExceededException"/>, which scripts cannot catch. Every other built-in
/// makes a result at most a small multiple of its inputs, which the budget bounds. One instance per engine: the
/// cycle stack of <c>join</c> is engine state, emptied whenever a call returns or throws.
/// </remarks>
internal sealed class LengthLimitedBuiltins
{
    private const int MaxLength = JsonValueConverter.MaxStringLength;

    // How many elements a native loop handles between two checks of the engine's constraints, as Jint's own loops do.
    private const int ConstraintCheckInterval = 1024;

    private static readonly JsString s_length = new("length");
    private static readonly JsString s_raw = new("raw");
    private static readonly JsString s_rawJson = new("rawJSON");
    private static readonly JsString s_toLocaleString = new("toLocaleString");

    private readonly JintEngine _engine;
    private readonly JsValue _toObject;
    private readonly MemoryLimitConstraint? _budget;
    private readonly HashSet<ObjectInstance> _joining = new(ReferenceEqualityComparer.Instance);

    private LengthLimitedBuiltins(JintEngine engine)
    {
        _engine = engine;
        _toObject = engine.Evaluate("Object");
        _budget = engine.Constraints.Find<MemoryLimitConstraint>();
    }

    /// <summary>Replaces the built-ins on <paramref name="engine"/>'s intrinsics; run before they are frozen.</summary>
    public static void Install(JintEngine engine)
    {
        var builtins = new LengthLimitedBuiltins(engine);
        var strings = (ObjectInstance)engine.Evaluate("String.prototype");
        var arrays = (ObjectInstance)engine.Evaluate("Array.prototype");
        builtins.Define(strings, "repeat", 1, builtins.Repeat);
        builtins.Define(strings, "padStart", 1, (original, thisValue, arguments) => builtins.Pad(original, thisValue, arguments, "String.prototype.padStart"));
        builtins.Define(strings, "padEnd", 1, (original, thisValue, arguments) => builtins.Pad(original, thisValue, arguments, "String.prototype.padEnd"));
        builtins.Define(strings, "concat", 1, (_, thisValue, arguments) => builtins.Concat(thisValue, arguments));
        builtins.Define(strings, "replace", 2, (original, thisValue, arguments) => builtins.StringReplace(original, thisValue, arguments, "String.prototype.replace"));
        builtins.Define(strings, "replaceAll", 2, (original, thisValue, arguments) => builtins.StringReplace(original, thisValue, arguments, "String.prototype.replaceAll"));
        builtins.Define((ObjectInstance)engine.Evaluate("RegExp.prototype"), GlobalSymbolRegistry.Replace, "[Symbol.replace]", 2, builtins.RegExpReplace);
        builtins.Define(arrays, "join", 1, (_, thisValue, arguments) => builtins.Join(thisValue, arguments.At(0)));
        builtins.Define(arrays, "toLocaleString", 0, (_, thisValue, arguments) => builtins.ToLocaleString(thisValue, arguments));
        builtins.Define((ObjectInstance)engine.Evaluate("String"), "raw", 1, (_, _, arguments) => builtins.Raw(arguments));
        builtins.Define((ObjectInstance)engine.Evaluate("JSON"), "stringify", 3, builtins.Stringify);
    }

    /// <summary>Fails when <paramref name="length"/>, the characters counted so far, is over the limit.</summary>
    private static void Check(string builtin, double length)
    {
        if (length > MaxLength)
        {
            throw new MemoryLimitExceededException(
                $"{builtin} would build a string of at least {length} characters, longer than the limit of {MaxLength}");
        }
    }

    private void Define(ObjectInstance target, string name, int length, Func<JsValue, JsValue, JsValue[], JsValue> body)
        => Define(target, new JsString(name), name, length, body);

    /// <summary>Defines <paramref name="body"/> (given the original, <c>this</c> and the arguments) in place of the built-in.</summary>
    private void Define(ObjectInstance target, JsValue key, string name, int length, Func<JsValue, JsValue, JsValue[], JsValue> body)
    {
        var original = target.Get(key);
        var function = new ClrFunction(_engine, name, (thisValue, arguments) => body(original, thisValue, arguments), length);
        target.DefineOwnProperty(key, new PropertyDescriptor(function, writable: true, enumerable: false, configurable: true));
    }

    private JsValue Call(JsValue function, JsValue thisValue, params JsValue[] arguments)
    {
        // A nested call: it runs under the running evaluation's budgets, which it does not reset.
        return _engine.Call(function, thisValue, arguments);
    }

    /// <summary>ToObject: <c>Object(value)</c> wraps a primitive; null and undefined are a TypeError.</summary>
    private ObjectInstance ToObject(JsValue value) => value switch
    {
        ObjectInstance obj => obj,
        _ when value.IsNull() || value.IsUndefined() => throw new JavaScriptException(_engine.Intrinsics.TypeError, "Cannot convert undefined or null to object"),
        _ => (ObjectInstance)Call(_toObject, JsValue.Undefined, value),
    };

    private string ThisString(JsValue thisValue, string builtin)
    {
        if (thisValue.IsNull() || thisValue.IsUndefined())
        {
            throw new JavaScriptException(_engine.Intrinsics.TypeError, $"{builtin} called on null or undefined");
        }

        return TypeConverter.ToString(thisValue);
    }

    private JsValue Repeat(JsValue original, JsValue thisValue, JsValue[] arguments)
    {
        var text = ThisString(thisValue, "String.prototype.repeat");
        var count = TypeConverter.ToIntegerOrInfinity(arguments.At(0));
        // A negative or infinite count is the original's RangeError to throw.
        if (count > 0 && !double.IsInfinity(count))
        {
            Check("String.prototype.repeat", text.Length * count);
        }

        return Call(original, text, JsNumber.Create(count));
    }

    private JsValue Pad(JsValue original, JsValue thisValue, JsValue[] arguments, string builtin)
    {
        var text = ThisString(thisValue, builtin);
        var length = TypeConverter.ToLength(arguments.At(0));
        var filler = arguments.At(1).IsUndefined() ? " " : TypeConverter.ToString(arguments.At(1));
        if (length > (ulong)text.Length && filler.Length > 0)
        {
            Check(builtin, length);
        }

        return Call(original, text, JsNumber.Create((double)length), new JsString(filler));
    }

    private JsString Concat(JsValue thisValue, JsValue[] arguments)
    {
        var parts = new string[arguments.Length + 1];
        parts[0] = ThisString(thisValue, "String.prototype.concat");
        long length = parts[0].Length;
        for (var i = 0; i < arguments.Length; i++)
        {
            parts[i + 1] = TypeConverter.ToString(arguments[i]);
            length += parts[i + 1].Length;
            Check("String.prototype.concat", length);
        }

        return new JsString(string.Concat(parts));
    }

    private JsValue StringReplace(JsValue original, JsValue thisValue, JsValue[] arguments, string builtin)
    {
        // An object search value (a RegExp, or any object with Symbol.replace) does the replacing itself: the RegExp's
        // is limited below, and a script's own is bounded by the statement and allocation budgets.
        var search = arguments.At(0);
        return search is ObjectInstance
            ? Call(original, thisValue, arguments)
            : Call(original, thisValue, search, Counted(arguments.At(1), builtin));
    }

    private JsValue RegExpReplace(JsValue original, JsValue thisValue, JsValue[] arguments)
        => Call(original, thisValue, arguments.At(0), Counted(arguments.At(1), "RegExp.prototype[Symbol.replace]"));

    /// <summary>
    /// The replacement as a function the original calls once per match, which counts what the result can hold: the
    /// subject's length plus every replacement so far.
    /// </summary>
    private ClrFunction Counted(JsValue replaceValue, string builtin)
    {
        var template = replaceValue.IsCallable() ? null : TypeConverter.ToString(replaceValue);
        long added = 0;
        return new ClrFunction(_engine, "replacer", (_, arguments) =>
        {
            // Called as (matched, ...captures, position, subject, groups?); groups only when the pattern names some.
            var last = arguments.Length - 1;
            var groups = last >= 3 && arguments[last] is ObjectInstance ? arguments[last] : JsValue.Undefined;
            var subjectIndex = groups.IsUndefined() ? last : last - 1;
            var subject = TypeConverter.ToString(arguments.At(subjectIndex));
            string replacement;
            if (template is null)
            {
                replacement = TypeConverter.ToString(Call(replaceValue, JsValue.Undefined, arguments));
            }
            else
            {
                var position = (int)TypeConverter.ToIntegerOrInfinity(arguments.At(subjectIndex - 1));
                var captures = subjectIndex >= 2 ? arguments[1..(subjectIndex - 1)] : [];
                replacement = Substitute(builtin, TypeConverter.ToString(arguments.At(0)), subject, position, captures, groups, template);
            }

            added += replacement.Length;
            Check(builtin, subject.Length + added);
            _budget?.Check();
            return new JsString(replacement);
        }, 1);
    }

    /// <summary>GetSubstitution as Jint 4.18 applies it: <c>$$</c>, <c>$&amp;</c>, <c>$`</c>, <c>$'</c>, <c>$n</c>, <c>$nn</c>, <c>$&lt;name&gt;</c>.</summary>
    private static string Substitute(string builtin, string matched, string subject, int position, JsValue[] captures, JsValue groups, string template)
    {
        if (!template.Contains('$', StringComparison.Ordinal))
        {
            return template;
        }

        var text = new StringBuilder();
        void Append(string value)
        {
            Check(builtin, (long)text.Length + value.Length);
            text.Append(value);
        }

        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '$' || i == template.Length - 1)
            {
                text.Append(c);
                continue;
            }

            c = template[++i];
            switch (c)
            {
                case '$':
                    text.Append('$');
                    break;
                case '&':
                    Append(matched);
                    break;
                case '`':
                    Append(subject[..Math.Clamp(position, 0, subject.Length)]);
                    break;
                case '\'':
                    Append(subject[(int)Math.Clamp((long)position + matched.Length, 0, subject.Length)..]);
                    break;
                case '<':
                    var end = template.IndexOf('>', i + 1);
                    if (end == -1 || groups.IsUndefined())
                    {
                        text.Append('$').Append(c);
                    }
                    else
                    {
                        var capture = groups.Get(template[(i + 1)..end]);
                        if (!capture.IsUndefined())
                        {
                            Append(TypeConverter.ToString(capture));
                        }

                        i = end;
                    }

                    break;
                case >= '0' and <= '9':
                    var one = c - '0';
                    var two = i < template.Length - 1 && char.IsAsciiDigit(template[i + 1]) ? (one * 10) + (template[i + 1] - '0') : 0;
                    if (two > 0 && two <= captures.Length)
                    {
                        Append(Capture(captures[two - 1]));
                        i++;
                    }
                    else if (one > 0 && one <= captures.Length)
                    {
                        Append(Capture(captures[one - 1]));
                    }
                    else
                    {
                        text.Append('$');
                        i--;
                    }

                    break;
                default:
                    text.Append('$').Append(c);
                    break;
            }
        }

        return text.ToString();
    }

    private static string Capture(JsValue capture) => capture.IsUndefined() ? string.Empty : TypeConverter.ToString(capture);

    private JsValue Join(JsValue thisValue, JsValue separatorValue)
    {
        var target = ToObject(thisValue);
        var length = TypeConverter.ToLength(target.Get(s_length));
        var separator = separatorValue.IsUndefined() ? "," : TypeConverter.ToString(separatorValue);
        return Elements(target, length, "Array.prototype.join", separator, element => TypeConverter.ToString(element));
    }

    private JsValue ToLocaleString(JsValue thisValue, JsValue[] arguments)
    {
        var target = ToObject(thisValue);
        var length = TypeConverter.ToLength(target.Get(s_length));
        JsValue[] passed = [arguments.At(0), arguments.At(1)];
        return Elements(target, length, "Array.prototype.toLocaleString", ",", element =>
        {
            var method = ToObject(element).Get(s_toLocaleString);
            return method.IsCallable()
                ? TypeConverter.ToString(Call(method, element, passed))
                : throw new JavaScriptException(_engine.Intrinsics.TypeError, "toLocaleString is not a function");
        });
    }

    /// <summary>Joins the elements' strings (null and undefined as empty), as Jint does: an array met again inside itself joins as empty.</summary>
    private JsString Elements(ObjectInstance target, ulong length, string builtin, string separator, Func<JsValue, string> text)
    {
        if (length == 0 || !_joining.Add(target))
        {
            return JsString.Empty;
        }

        try
        {
            // Nested arrays recurse through here: fail as an error while there is stack left to unwind, and charge
            // each nested join's work to the budget (shared subarrays are joined once per path to them).
            RuntimeHelpers.EnsureSufficientExecutionStack();
            _budget?.Check();
            var result = new StringBuilder();
            for (ulong i = 0; i < length; i++)
            {
                if (i > 0)
                {
                    if (i % ConstraintCheckInterval == 0)
                    {
                        _engine.Constraints.Check();
                    }

                    Check(builtin, (long)result.Length + separator.Length);
                    result.Append(separator);
                }

                var element = target.Get(JsNumber.Create((double)i));
                if (!element.IsNull() && !element.IsUndefined())
                {
                    var value = text(element);
                    Check(builtin, (long)result.Length + value.Length);
                    result.Append(value);
                }
            }

            return new JsString(result.ToString());
        }
        finally
        {
            _joining.Remove(target);
        }
    }

    private JsString Raw(JsValue[] arguments)
    {
        var cooked = ToObject(arguments.At(0));
        var literals = ToObject(cooked.Get(s_raw));
        var length = TypeConverter.ToLength(literals.Get(s_length));
        var result = new StringBuilder();
        for (ulong i = 0; i < length; i++)
        {
            if (i > 0)
            {
                if (i % ConstraintCheckInterval == 0)
                {
                    _engine.Constraints.Check();
                }

                if (i < (ulong)arguments.Length)
                {
                    var substitution = TypeConverter.ToString(arguments[(int)i]);
                    Check("String.raw", (long)result.Length + substitution.Length);
                    result.Append(substitution);
                }
            }

            var literal = TypeConverter.ToString(literals.Get(JsNumber.Create((double)i)));
            Check("String.raw", (long)result.Length + literal.Length);
            result.Append(literal);
        }

        return new JsString(result.ToString());
    }

    /// <summary>
    /// Jint's <c>JSON.stringify</c>, given a replacer function that counts, for every value the serializer visits, the
    /// characters it adds to the document (at least as many as it really adds), and fails before the count passes
    /// the limit. The script's own replacer runs first; a key list (an array replacer) becomes the same function.
    /// </summary>
    private JsValue Stringify(JsValue original, JsValue thisValue, JsValue[] arguments)
    {
        var replacer = arguments.At(1);
        var space = arguments.At(2);
        // The spec's conversions of space, done here once so the original sees a primitive and does not repeat them.
        if (space is ObjectInstance and IJsPrimitive { Type: Types.Number })
        {
            space = JsNumber.Create(TypeConverter.ToNumber(space));
        }
        else if (space is ObjectInstance and IJsPrimitive { Type: Types.String })
        {
            space = new JsString(TypeConverter.ToString(space));
        }

        var gap = space.IsNumber() ? (int)Math.Clamp(TypeConverter.ToIntegerOrInfinity(space), 0, 10)
            : space.IsString() ? Math.Min(10, ((JsString)space).Length)
            : 0;
        var meter = new JsonMeter(this, gap, replacer.IsCallable() ? replacer : null, replacer.IsArray() ? KeyList(replacer.AsObject()) : null);
        return Call(original, thisValue, arguments.At(0), new ClrFunction(_engine, "replacer", meter.Visit, 2), space);
    }

    /// <summary>The property list of an array replacer, as JSON.stringify builds it.</summary>
    private static List<JsValue> KeyList(ObjectInstance replacer)
    {
        var keys = new List<JsValue>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var length = TypeConverter.ToLength(replacer.Get(s_length));
        for (ulong i = 0; i < length; i++)
        {
            var item = replacer.Get(JsNumber.Create((double)i));
            if (item.IsString() || item.IsNumber() || item is ObjectInstance and IJsPrimitive { Type: Types.String or Types.Number })
            {
                var key = TypeConverter.ToString(item);
                if (seen.Add(key))
                {
                    keys.Add(new JsString(key));
                }
            }
        }

        return keys;
    }

    /// <summary>The characters JSON.stringify writes for <paramref name="text"/>, quotes and escapes included.</summary>
    private static long QuotedLength(string text)
    {
        long length = 2;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            length += c switch
            {
                '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
                < ' ' => 6,
                _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) => 1,
                _ when char.IsSurrogate(c) && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])) => 6,
                _ => 1,
            };
        }

        return length;
    }

    /// <summary>One JSON.stringify call's count; see <see cref="Stringify"/>.</summary>
    private sealed class JsonMeter(LengthLimitedBuiltins builtins, int gap, JsValue? replacer, List<JsValue>? keys)
    {
        private const string Builtin = "JSON.stringify";

        // How deep each object the document holds sits (the holder of the root is at 0), and, under a key list, which
        // object each stand-in was made from and which holder it sits in: the serializer only sees the stand-ins, so
        // the cycle check is done here.
        private readonly Dictionary<ObjectInstance, int> _depth = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<ObjectInstance, (ObjectInstance Source, ObjectInstance Holder)> _standIns = new(ReferenceEqualityComparer.Instance);
        private long _length;

        public JsValue Visit(JsValue thisValue, JsValue[] arguments)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            builtins._budget?.Check();
            var key = arguments.At(0);
            var value = arguments.At(1);
            var holder = (ObjectInstance)thisValue;
            if (replacer is not null)
            {
                value = builtins.Call(replacer, holder, key, value);
            }

            value = value switch
            {
                ObjectInstance and IJsPrimitive { Type: Types.Number } => JsNumber.Create(TypeConverter.ToNumber(value)),
                ObjectInstance and IJsPrimitive { Type: Types.String } => new JsString(TypeConverter.ToString(value)),
                ObjectInstance and IJsPrimitive { Type: Types.Boolean } primitive => primitive.PrimitiveValue,
                _ => value,
            };

            var depth = _depth.GetValueOrDefault(holder);
            var inArray = holder.IsArray();
            // The separator, a line break and indentation under a gap, and in an object the key, colon and space.
            long added = 1 + (gap > 0 ? 1 + ((long)gap * (depth + 1)) : 0);
            if (!inArray)
            {
                added += QuotedLength(TypeConverter.ToString(key)) + 1 + (gap > 0 ? 1 : 0);
            }

            switch (value)
            {
                case JsString text:
                    added += QuotedLength(text.ToString());
                    break;
                case JsNumber number:
                    added += TypeConverter.ToString(number).Length;
                    break;
                case ObjectInstance obj when !obj.IsCallable():
                    // Brackets, and the line break and indentation before the closing one.
                    added += 2 + (gap > 0 ? 1 + ((long)gap * (depth + 1)) : 0);
                    if (obj.GetOwnProperty(s_rawJson).Value is JsString raw)
                    {
                        added += raw.Length;
                    }

                    if (keys is not null && !obj.IsArray())
                    {
                        value = obj = StandIn(obj, holder);
                    }

                    _depth[obj] = depth + 1;
                    break;
                default:
                    added += 5;
                    break;
            }

            _length += added;
            Check(Builtin, _length);
            return value;
        }

        /// <summary>An object with only the listed keys, in the list's order, which the serializer writes in its place.</summary>
        private JsObject StandIn(ObjectInstance source, ObjectInstance holder)
        {
            for (var above = holder; above is not null;)
            {
                var (from, next) = _standIns.TryGetValue(above, out var entry) ? entry : (above, null!);
                if (ReferenceEquals(from, source))
                {
                    throw new JavaScriptException(builtins._engine.Intrinsics.TypeError, "Converting circular structure to JSON");
                }

                above = next;
            }

            var standIn = new JsObject(builtins._engine);
            foreach (var key in keys!)
            {
                standIn.FastSetDataProperty(key.ToString(), source.Get(key));
            }

            _standIns[standIn] = (source, holder);
            return standIn;
        }
    }
}
