using System.Globalization;
using System.Text.Json;

namespace Serverless.Engine.Definitions;

/// <summary>
/// Reads the fields of one JSON object, reporting duplicate and unknown fields, missing required fields and wrong
/// kinds into the shared error list, each at its JSON pointer.
/// </summary>
internal sealed class ObjectReader
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly List<ValidationError> _errors;

    private ObjectReader(string pointer, List<ValidationError> errors)
    {
        Pointer = pointer;
        _errors = errors;
    }

    /// <summary>The object's pointer.</summary>
    public string Pointer { get; }

    /// <summary>
    /// Opens <paramref name="element"/> as an object whose fields must be in <paramref name="allowed"/> (null: any).
    /// </summary>
    /// <param name="element">The element.</param>
    /// <param name="pointer">Its pointer.</param>
    /// <param name="what">What the object is, for messages ("a node", "the request").</param>
    /// <param name="allowed">The fields allowed, in the order messages list them; null allows any field.</param>
    /// <param name="errors">Where problems go.</param>
    /// <param name="explainUnknown">A better message for a field that is not allowed, or null for the generic one.</param>
    /// <returns>The reader, or null when <paramref name="element"/> is not an object.</returns>
    public static ObjectReader? Open(
        JsonElement element,
        string pointer,
        string what,
        IReadOnlyList<string>? allowed,
        List<ValidationError> errors,
        Func<string, string?>? explainUnknown = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(pointer, $"{what} must be an object, not {Syntax.Kind(element.ValueKind)}"));
            return null;
        }

        var reader = new ObjectReader(pointer, errors);
        foreach (var property in element.EnumerateObject())
        {
            var path = JsonPointer.Append(pointer, property.Name);
            if (reader._fields.ContainsKey(property.Name))
            {
                errors.Add(new(path, $"duplicate field '{property.Name}'"));
                continue;
            }

            reader._fields[property.Name] = property.Value;
            if (allowed is not null && !allowed.Contains(property.Name))
            {
                errors.Add(new(path, explainUnknown?.Invoke(property.Name)
                    ?? $"unknown field '{property.Name}'; {what} has {Syntax.OneOf(allowed)}"));
            }
        }

        if (allowed is not null)
        {
            foreach (var name in reader._fields.Keys.Where(k => !allowed.Contains(k)).ToList())
            {
                reader._fields.Remove(name);
            }
        }

        return reader;
    }

    /// <summary>The pointer of field <paramref name="name"/>.</summary>
    public string PathOf(string name) => JsonPointer.Append(Pointer, name);

    /// <summary>Whether the field is present.</summary>
    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>The field's value, reporting it missing when <paramref name="required"/>.</summary>
    public JsonElement? Get(string name, bool required = false)
    {
        if (_fields.TryGetValue(name, out var value))
        {
            return value;
        }

        if (required)
        {
            _errors.Add(new(Pointer, $"missing required field '{name}'"));
        }

        return null;
    }

    /// <summary>The field as an element of <paramref name="kind"/>, reporting any other kind.</summary>
    public JsonElement? Get(string name, JsonValueKind kind, bool required = false)
    {
        if (Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != kind)
        {
            _errors.Add(new(PathOf(name), $"'{name}' must be {Syntax.Kind(kind)}, not {Syntax.Kind(value.ValueKind)}"));
            return null;
        }

        return value;
    }

    /// <summary>The field as a string; empty strings are reported unless <paramref name="allowEmpty"/>.</summary>
    public string? GetString(string name, bool required = false, bool allowEmpty = false)
    {
        if (Get(name, JsonValueKind.String, required) is not { } value)
        {
            return null;
        }

        var text = value.GetString()!;
        if (text.Length == 0 && !allowEmpty)
        {
            _errors.Add(new(PathOf(name), $"'{name}' must not be empty"));
            return null;
        }

        return text;
    }

    /// <summary>The field as an integer of at least <paramref name="min"/>.</summary>
    public int? GetInt(string name, int min, bool required = false)
    {
        if (Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            _errors.Add(new(PathOf(name), $"'{name}' must be an integer, not {Syntax.Kind(value.ValueKind)}"));
            return null;
        }

        if (!value.TryGetInt32(out var number))
        {
            _errors.Add(new(PathOf(name), $"'{name}' must be an integer, not {value.GetRawText()}"));
            return null;
        }

        if (number < min)
        {
            _errors.Add(new(PathOf(name), string.Create(CultureInfo.InvariantCulture, $"'{name}' must be at least {min}, not {number}")));
            return null;
        }

        return number;
    }

    /// <summary>The field as a positive duration (at most 365 days).</summary>
    public TimeSpan? GetDuration(string name, bool required = false)
    {
        if (GetString(name, required) is not { } text)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var duration, out var error))
        {
            _errors.Add(new(PathOf(name), error!));
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            _errors.Add(new(PathOf(name), $"'{name}' must be longer than zero, not '{text}'"));
            return null;
        }

        return duration;
    }

    /// <summary>Adds a problem at field <paramref name="name"/>.</summary>
    public void Error(string name, string message) => _errors.Add(new(PathOf(name), message));

    /// <summary>Adds a problem at the object itself.</summary>
    public void Error(string message) => _errors.Add(new(Pointer, message));
}
