using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using JintEngine = Jint.Engine;

namespace Serverless.Engine.Expressions;

/// <summary>Converts JSON values to JavaScript values and back, with the sandbox's size rules.</summary>
internal static class JsonValueConverter
{
    /// <summary>How deep a result may nest; deeper (or cyclic) values are an error.</summary>
    public const int MaxDepth = 64;

    /// <summary>The longest string a result may hold, in UTF-16 code units.</summary>
    public const int MaxStringLength = 1_048_576;

    /// <summary>The largest result an expression may produce, in bytes of UTF-8 JSON.</summary>
    public const int MaxResultBytes = 4 * 1_048_576;

    // 2^53: integers below it are exact in a double and are written without a fraction or exponent.
    private const double MaxSafeInteger = 9_007_199_254_740_992d;

    /// <summary>Converts a JSON value to a fresh JavaScript value (never shared between evaluations).</summary>
    public static JsValue ToJsValue(JintEngine engine, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var result = new JsObject(engine);
                foreach (var property in value.EnumerateObject())
                {
                    result.FastSetDataProperty(property.Name, ToJsValue(engine, property.Value));
                }

                return result;
            }

            case JsonValueKind.Array:
            {
                var items = new JsValue[value.GetArrayLength()];
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    items[index++] = ToJsValue(engine, item);
                }

                return new JsArray(engine, items);
            }

            case JsonValueKind.String:
                return JsString.Create(value.GetString()!);
            case JsonValueKind.Number:
                return value.TryGetInt32(out var integer) ? JsNumber.Create(integer) : JsNumber.Create(ParseDouble(value));
            case JsonValueKind.True:
                return JsBoolean.True;
            case JsonValueKind.False:
                return JsBoolean.False;
            default:
                return JsValue.Null;
        }
    }

    /// <summary>Converts an error to the <c>{type, message, details}</c> object expressions see.</summary>
    public static JsValue ToJsValue(JintEngine engine, WorkflowError? error)
    {
        if (error is null)
        {
            return JsValue.Null;
        }

        var result = new JsObject(engine);
        result.FastSetDataProperty("type", JsString.Create(error.Type));
        result.FastSetDataProperty("message", JsString.Create(error.Message));
        if (error.Details is { } details)
        {
            result.FastSetDataProperty("details", ToJsValue(engine, details));
        }

        return result;
    }

    /// <summary>Writes a JavaScript value as JSON (JSON.stringify rules, plus errors for values JSON cannot hold).</summary>
    /// <exception cref="ConversionException">The value has no JSON form or breaks a size limit.</exception>
    public static void Write(Utf8JsonWriter writer, JsValue value) => Write(writer, value, 0);

    /// <summary>Formats a date as JavaScript's <c>toISOString</c> does.</summary>
    public static string ToIsoString(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static readonly JsString s_length = new("length");

    private static double ParseDouble(JsonElement value)
        => value.TryGetDouble(out var number) ? number : double.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static void Write(Utf8JsonWriter writer, JsValue value, int depth)
    {
        switch (value.Type)
        {
            case Types.Undefined or Types.Null or Types.Empty:
                writer.WriteNullValue();
                return;
            case Types.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                return;
            case Types.Number:
                WriteNumber(writer, value.AsNumber());
                return;
            case Types.String:
                WriteString(writer, (JsString)value);
                return;
            case Types.BigInt:
                throw new ConversionException("a BigInt has no JSON form");
            case Types.Symbol:
                throw new ConversionException("a Symbol has no JSON form");
            default:
                break;
        }

        if (depth >= MaxDepth)
        {
            throw new ConversionException($"the value is nested deeper than {MaxDepth} levels (or refers to itself)");
        }

        if (value.IsCallable())
        {
            throw new ConversionException("a function has no JSON form");
        }

        if (value.IsDate())
        {
            var milliseconds = value.AsDate().DateValue;
            if (double.IsNaN(milliseconds))
            {
                throw new ConversionException("an invalid Date has no JSON form");
            }

            writer.WriteStringValue(ToIsoString(DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)));
            return;
        }

        var obj = value.AsObject();
        if (value.IsArray())
        {
            writer.WriteStartArray();
            var length = obj is JsArray array ? array.Length : TypeConverter.ToLength(obj.Get(s_length));
            for (ulong i = 0; i < length; i++)
            {
                var item = obj.Get(JsNumber.Create((long)i));
                // JSON.stringify writes undefined and functions in arrays as null; functions are an error here.
                Write(writer, item.IsUndefined() ? JsValue.Null : item, depth + 1);
                CheckSize(writer);
            }

            writer.WriteEndArray();
            return;
        }

        WriteObject(writer, obj, depth);
    }

    private static void WriteObject(Utf8JsonWriter writer, ObjectInstance obj, int depth)
    {
        writer.WriteStartObject();
        foreach (var key in obj.GetOwnPropertyKeys(Types.String))
        {
            var descriptor = obj.GetOwnProperty(key);
            if (!descriptor.Enumerable)
            {
                continue;
            }

            var item = obj.Get(key);
            // JSON.stringify leaves out properties whose value is undefined.
            if (item.IsUndefined())
            {
                continue;
            }

            writer.WritePropertyName(key.ToString());
            Write(writer, item, depth + 1);
            CheckSize(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            throw new ConversionException($"the number {(double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity")} has no JSON form");
        }

        if (Math.Abs(number) < MaxSafeInteger && Math.Floor(number) == number)
        {
            // Also turns -0 into 0, as JSON.stringify does.
            writer.WriteNumberValue((long)number);
        }
        else
        {
            writer.WriteNumberValue(number);
        }
    }

    private static void WriteString(Utf8JsonWriter writer, JsString value)
    {
        // Checked before ToString so an oversized concatenation is never flattened.
        if (value.Length > MaxStringLength)
        {
            throw new ConversionException($"a string of {value.Length} characters is longer than the limit of {MaxStringLength}");
        }

        writer.WriteStringValue(value.ToString());
    }

    private static void CheckSize(Utf8JsonWriter writer)
    {
        if (writer.BytesCommitted + writer.BytesPending > MaxResultBytes)
        {
            throw new ConversionException($"the value is larger than the limit of {MaxResultBytes} bytes of JSON");
        }
    }

    /// <summary>
    /// Results are data, never embedded in HTML: only what JSON requires is escaped, so text such as "é" or "&lt;"
    /// stays readable in stored outputs.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads a UTF-8 JSON buffer into a self-contained element.</summary>
    public static JsonElement ToElement(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>A reusable buffer and writer for one thread.</summary>
    internal sealed class Buffer
    {
        [ThreadStatic]
        private static Buffer? t_current;

        private readonly ArrayBufferWriter<byte> _bytes = new(256);

        private Buffer() => Writer = new Utf8JsonWriter(_bytes, WriterOptions);

        public Utf8JsonWriter Writer { get; }

        public ReadOnlySpan<byte> WrittenSpan
        {
            get
            {
                Writer.Flush();
                return _bytes.WrittenSpan;
            }
        }

        /// <summary>The thread's buffer, emptied. Callers must finish with it before the next call on the thread.</summary>
        public static Buffer Rent()
        {
            var buffer = t_current ??= new Buffer();
            buffer._bytes.ResetWrittenCount();
            buffer.Writer.Reset(buffer._bytes);
            return buffer;
        }
    }
}
