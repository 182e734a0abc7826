using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Reading of each node type.</summary>
internal sealed partial class DefinitionReader
{
    private static readonly string[] CommonFields = ["type", "runAfter", "if", "select"];

    internal static readonly Dictionary<string, string[]> FieldsByType = new(StringComparer.Ordinal)
    {
        ["http"] = [.. CommonFields, "request", "successCodes", "timeout", "auth", "idempotencyKeyHeader", "retry"],
        ["activity"] = [.. CommonFields, "activity", "input", "timeout", "retry"],
        ["set"] = [.. CommonFields, "value"],
        ["switch"] = [.. CommonFields, "cases", "default"],
        ["foreach"] = [.. CommonFields, "items", "maxConcurrency", "toleratedFailures", "body"],
        ["loop"] = [.. CommonFields, "body", "until", "maxIterations"],
        ["wait"] = [.. CommonFields, "duration", "until"],
        ["event"] = [.. CommonFields, "event", "timeout"],
        ["workflow"] = [.. CommonFields, "workflow", "version", "input", "retry"],
        ["fail"] = [.. CommonFields, "error", "message"],
    };

    internal static readonly string[] RequestFields = ["method", "url", "headers", "query", "body"];
    private static readonly string[] AuthFields = ["type", "resource"];
    private static readonly TemplateOptions RequestOptions = new() { AllowSecrets = true };

    private NodeDefinition? ReadNode(NodeInfo info)
    {
        var element = info.Element;
        if (element.ValueKind != JsonValueKind.Object)
        {
            _errors.Add(new(info.Pointer, $"node '{info.Id}' must be an object, not {Syntax.Kind(element.ValueKind)}"));
            return null;
        }

        string[]? allowed = null;
        if (!element.TryGetProperty("type", out var typeElement))
        {
            _errors.Add(new(info.Pointer, $"missing required field 'type' (one of {Syntax.OneOf(Syntax.NodeTypes)})"));
        }
        else if (typeElement.ValueKind != JsonValueKind.String)
        {
            _errors.Add(new(JsonPointer.Append(info.Pointer, "type"), $"'type' must be a string, not {Syntax.Kind(typeElement.ValueKind)}"));
        }
        else if (!FieldsByType.TryGetValue(info.Type!, out allowed))
        {
            _errors.Add(new(JsonPointer.Append(info.Pointer, "type"),
                $"unknown node type '{info.Type}'; the types are {Syntax.OneOf(Syntax.NodeTypes)}"));
        }

        var type = allowed is null ? null : info.Type;
        var reader = ObjectReader.Open(element, info.Pointer, type is null ? "a node" : $"{Syntax.WithArticle(type)} node", allowed, _errors,
            field => ExplainNodeField(field, type))!;

        var check = info.IsDuplicate ? null : new ReadCheck(info.Scope, info);
        var runAfter = ReadRunAfter(reader, info);
        var condition = CompileExpression(reader, "if", required: false, check);
        var select = reader.Get("select") is { } selectElement
            ? Compile(selectElement, reader.PathOf("select"), TemplateOptions.Default, check)
            : null;

        NodeDefinition? node = type switch
        {
            "http" => ReadHttp(reader, info, check),
            "activity" => ReadActivity(reader, info, check),
            "set" => ReadSet(reader, info, check),
            "switch" => ReadSwitch(reader, info, check),
            "foreach" => ReadForeach(reader, info, check),
            "loop" => ReadLoop(reader, info, check),
            "wait" => ReadWait(reader, info, check),
            "event" => ReadEvent(reader, info),
            "workflow" => ReadWorkflow(reader, info, check),
            "fail" => ReadFail(reader, info, check),
            _ => null,
        };

        return node is null ? null : node with { RunAfter = runAfter, If = condition, Select = select };
    }

    private static string? ExplainNodeField(string field, string? type) => field switch
    {
        "retry" => $"'retry' is allowed only on http, activity and workflow nodes, not on {Syntax.WithArticle(type!)} node",
        "timeout" => $"'timeout' is allowed only on http, activity and event nodes, not on {Syntax.WithArticle(type!)} node",
        _ => null,
    };

    private HttpNode ReadHttp(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        Template? request = null;
        if (reader.Get("request", JsonValueKind.Object, required: true) is { } requestElement)
        {
            CheckRequest(requestElement, reader.PathOf("request"));
            request = Compile(requestElement, reader.PathOf("request"), RequestOptions, check);
        }

        var successCodes = reader.Get("successCodes") is { } codes ? ReadSuccessCodes(codes, reader.PathOf("successCodes")) : null;
        var timeout = reader.GetDuration("timeout");
        var resource = reader.Get("auth") is { } auth ? ReadAuth(auth, reader.PathOf("auth")) : null;
        var header = reader.GetString("idempotencyKeyHeader");
        if (header is not null && !Syntax.HeaderName().IsMatch(header))
        {
            reader.Error("idempotencyKeyHeader", $"'{header}' is not a valid HTTP header name");
        }

        var retry = reader.Get("retry") is { } retryElement ? ReadRetry(retryElement, reader.PathOf("retry")) : null;
        return new HttpNode
        {
            Id = info.Id,
            Pointer = info.Pointer,
            Request = request!,
            SuccessCodes = successCodes ?? [new StatusRange(200, 299)],
            Timeout = timeout,
            ManagedIdentityResource = resource,
            IdempotencyKeyHeader = header,
            Retry = retry,
        };
    }

    private void CheckRequest(JsonElement element, string pointer)
    {
        var reader = ObjectReader.Open(element, pointer, "the request", RequestFields, _errors)!;
        if (reader.GetString("method", required: true) is { } method
            && !Syntax.IsTemplated(method) && !Syntax.HttpMethods.Contains(method))
        {
            reader.Error("method", $"method '{method}' must be one of {Syntax.OneOf(Syntax.HttpMethods)} (upper case) or a ${{{{ }}}} expression");
        }

        if (reader.GetString("url", required: true) is { } url && !Syntax.IsTemplated(url)
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            reader.Error("url", $"url '{url}' must be an absolute http or https URL");
        }

        if (reader.Get("headers", JsonValueKind.Object) is { } headers)
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in headers.EnumerateObject())
            {
                var headerPointer = JsonPointer.Append(reader.PathOf("headers"), header.Name);
                if (!Syntax.HeaderName().IsMatch(header.Name))
                {
                    _errors.Add(new(headerPointer, $"'{header.Name}' is not a valid HTTP header name"));
                }
                else if (!names.Add(header.Name))
                {
                    _errors.Add(new(headerPointer, $"header '{header.Name}' is given twice (header names ignore case)"));
                }

                if (header.Value.ValueKind != JsonValueKind.String)
                {
                    _errors.Add(new(headerPointer, $"a header value must be a string, not {Syntax.Kind(header.Value.ValueKind)}"));
                }
            }
        }

        if (reader.Get("query", JsonValueKind.Object) is { } query)
        {
            foreach (var parameter in query.EnumerateObject())
            {
                if (parameter.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    _errors.Add(new(JsonPointer.Append(reader.PathOf("query"), parameter.Name),
                        $"a query parameter must be a string, number or boolean, not {Syntax.Kind(parameter.Value.ValueKind)}"));
                }
            }
        }
    }

    private ImmutableArray<StatusRange>? ReadSuccessCodes(JsonElement element, string pointer)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            _errors.Add(new(pointer, $"'successCodes' must be a non-empty array of statuses (204), classes ('2xx') or ranges ('200-299'), not {Describe(element)}"));
            return null;
        }

        var ranges = ImmutableArray.CreateBuilder<StatusRange>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPointer = JsonPointer.Append(pointer, index++);
            if (ReadStatusRange(item) is { } range)
            {
                ranges.Add(range);
            }
            else
            {
                _errors.Add(new(itemPointer, $"a success code must be a status (204), a class ('2xx') or a range ('200-299') within 100-599, not {Describe(item)}"));
            }
        }

        return ranges.Count == index ? ranges.ToImmutable() : null;
    }

    private static StatusRange? ReadStatusRange(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.Number)
        {
            return item.TryGetInt32(out var status) && Syntax.IsStatus(status) ? new StatusRange(status, status) : null;
        }

        if (item.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = item.GetString()!;
        if (Syntax.StatusClass().Match(text) is { Success: true } statusClass)
        {
            var hundreds = (statusClass.Groups[1].ValueSpan[0] - '0') * 100;
            return new StatusRange(hundreds, hundreds + 99);
        }

        if (Syntax.StatusRange().Match(text) is { Success: true } range)
        {
            var from = int.Parse(range.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            var to = int.Parse(range.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            return Syntax.IsStatus(from) && Syntax.IsStatus(to) && from <= to ? new StatusRange(from, to) : null;
        }

        return null;
    }

    private string? ReadAuth(JsonElement element, string pointer)
    {
        if (ObjectReader.Open(element, pointer, "'auth'", AuthFields, _errors) is not { } reader)
        {
            return null;
        }

        if (reader.GetString("type", required: true) is { } type && type != "managedIdentity")
        {
            reader.Error("type", $"auth type '{type}' is not supported; the only type is 'managedIdentity'");
        }

        return reader.GetString("resource", required: true);
    }

    private ActivityNode ReadActivity(ObjectReader reader, NodeInfo info, ReadCheck? check) => new()
    {
        Id = info.Id,
        Pointer = info.Pointer,
        Activity = reader.GetString("activity", required: true)!,
        Input = reader.Get("input") is { } input ? Compile(input, reader.PathOf("input"), TemplateOptions.Default, check) : null,
        Timeout = reader.GetDuration("timeout"),
        Retry = reader.Get("retry") is { } retry ? ReadRetry(retry, reader.PathOf("retry")) : null,
    };

    private SetNode ReadSet(ObjectReader reader, NodeInfo info, ReadCheck? check) => new()
    {
        Id = info.Id,
        Pointer = info.Pointer,
        Value = reader.Get("value", required: true) is { } value
            ? Compile(value, reader.PathOf("value"), TemplateOptions.Default, check)!
            : null!,
    };

    private SwitchNode ReadSwitch(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var cases = ImmutableArray.CreateBuilder<SwitchCase>();
        if (reader.Get("cases", JsonValueKind.Object, required: true) is { } casesElement)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in casesElement.EnumerateObject())
            {
                var casePointer = JsonPointer.Append(reader.PathOf("cases"), property.Name);
                if (!names.Add(property.Name))
                {
                    _errors.Add(new(casePointer, $"duplicate case '{property.Name}'"));
                    continue;
                }

                CheckCaseName(property.Name, casePointer);
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    _errors.Add(new(casePointer, $"a case condition must be a string holding one ${{{{ }}}} expression, not {Syntax.Kind(property.Value.ValueKind)}"));
                    continue;
                }

                if (Compile(property.Value, casePointer, Single, check) is { } condition)
                {
                    cases.Add(new SwitchCase(property.Name, condition));
                }
            }

            if (names.Count == 0)
            {
                reader.Error("cases", "a switch needs at least one case");
            }
        }

        var fallback = reader.GetString("default");
        if (fallback is not null)
        {
            CheckCaseName(fallback, reader.PathOf("default"));
        }

        return new SwitchNode { Id = info.Id, Pointer = info.Pointer, Cases = cases.ToImmutable(), Default = fallback };
    }

    private void CheckCaseName(string name, string pointer)
    {
        if (name.Length == 0)
        {
            _errors.Add(new(pointer, "a case name must not be empty"));
        }
        else if (Syntax.ReservedCaseNames.Contains(name))
        {
            _errors.Add(new(pointer, $"'{name}' cannot be a case name: succeeded, failed, skipped and cancelled are outcomes of every node"));
        }
    }

    private ForeachNode ReadForeach(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var items = CompileExpression(reader, "items", required: true, check);
        var maxConcurrency = reader.GetInt("maxConcurrency", min: 0);
        var tolerated = reader.Get("toleratedFailures") is { } toleratedElement
            ? ReadToleratedFailures(toleratedElement, reader.PathOf("toleratedFailures"))
            : null;
        var body = ReadBody(reader, info);
        return new ForeachNode
        {
            Id = info.Id,
            Pointer = info.Pointer,
            Items = items!,
            MaxConcurrency = maxConcurrency ?? 10,
            ToleratedFailures = tolerated ?? ToleratedFailures.None,
            Body = body!,
        };
    }

    private ToleratedFailures? ReadToleratedFailures(JsonElement element, string pointer)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var count) && count >= 0)
        {
            return new ToleratedFailures(count, null);
        }

        if (element.ValueKind == JsonValueKind.String && Syntax.Percent().Match(element.GetString()!) is { Success: true } match)
        {
            var percent = double.Parse(match.Groups[1].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            if (percent <= 100)
            {
                return new ToleratedFailures(0, percent);
            }
        }

        _errors.Add(new(pointer, $"'toleratedFailures' must be a count (an integer of at least 0) or a percentage from '0%' to '100%', not {Describe(element)}"));
        return null;
    }

    private LoopNode ReadLoop(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var body = ReadBody(reader, info);
        var untilCheck = check is not null && info.Body is { } scope ? new ReadCheck(scope, Node: null) : null;
        var until = CompileExpression(reader, "until", required: true, untilCheck);
        var maxIterations = reader.GetInt("maxIterations", min: 1, required: true);
        return new LoopNode
        {
            Id = info.Id,
            Pointer = info.Pointer,
            Body = body!,
            Until = until!,
            MaxIterations = maxIterations ?? 1,
        };
    }

    private BodyDefinition? ReadBody(ObjectReader reader, NodeInfo info)
    {
        if (reader.Get("body", JsonValueKind.Object, required: true) is not { } element)
        {
            return null;
        }

        var pointer = reader.PathOf("body");
        var body = ObjectReader.Open(element, pointer, "a body", BodyFields, _errors)!;
        var nodes = ImmutableArray<NodeDefinition>.Empty;
        if (body.Get("nodes", JsonValueKind.Object, required: true) is not null && info.Body is { } scope)
        {
            nodes = ReadScope(scope);
        }

        var check = !info.IsDuplicate && info.Body is { } bodyScope ? new ReadCheck(bodyScope, Node: null) : null;
        var output = body.Get("output") is { } outputElement
            ? Compile(outputElement, body.PathOf("output"), TemplateOptions.Default, check)
            : null;
        return new BodyDefinition(pointer, nodes, output);
    }

    private WaitNode ReadWait(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var hasDuration = reader.Has("duration");
        var hasUntil = reader.Has("until");
        if (hasDuration == hasUntil)
        {
            reader.Error(hasDuration
                ? "a wait node needs exactly one of 'duration' and 'until', not both"
                : "a wait node needs exactly one of 'duration' and 'until'");
        }

        var duration = reader.GetDuration("duration");
        Template? until = null;
        if (reader.Get("until", JsonValueKind.String) is { } untilElement)
        {
            var text = untilElement.GetString()!;
            if (!Syntax.IsTemplated(text) && !Syntax.IsTimestamp(text))
            {
                reader.Error("until", $"'{text}' is not an ISO 8601 timestamp with a UTC offset (such as 2026-01-31T09:00:00Z) nor a ${{{{ }}}} expression");
            }
            else
            {
                until = Compile(untilElement, reader.PathOf("until"), TemplateOptions.Default, check);
            }
        }

        return new WaitNode { Id = info.Id, Pointer = info.Pointer, Duration = duration, Until = until };
    }

    private static EventNode ReadEvent(ObjectReader reader, NodeInfo info)
    {
        var name = reader.GetString("event", required: true);
        if (name is not null && !Syntax.EventName().IsMatch(name))
        {
            reader.Error("event", $"event name '{name}' must be 1 to 128 letters, digits, '_', '.' or '-'");
        }

        return new EventNode { Id = info.Id, Pointer = info.Pointer, EventName = name!, Timeout = reader.GetDuration("timeout") };
    }

    private WorkflowNode ReadWorkflow(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var name = reader.GetString("workflow", required: true);
        if (name is not null && !Syntax.WorkflowName().IsMatch(name))
        {
            reader.Error("workflow", $"workflow name '{name}' must be 1 to 63 lowercase letters, digits or '-'");
        }

        return new WorkflowNode
        {
            Id = info.Id,
            Pointer = info.Pointer,
            Workflow = name!,
            Version = reader.GetInt("version", min: 1),
            Input = reader.Get("input") is { } input ? Compile(input, reader.PathOf("input"), TemplateOptions.Default, check) : null,
            Retry = reader.Get("retry") is { } retry ? ReadRetry(retry, reader.PathOf("retry")) : null,
        };
    }

    private FailNode ReadFail(ObjectReader reader, NodeInfo info, ReadCheck? check)
    {
        var type = reader.GetString("error", required: true);
        if (type is not null && !Syntax.ErrorType().IsMatch(type))
        {
            reader.Error("error", $"error type '{type}' must start with a letter and have at most 100 letters, digits, '_', '.' or '-'");
        }

        var message = reader.Get("message", JsonValueKind.String) is { } messageElement
            ? Compile(messageElement, reader.PathOf("message"), TemplateOptions.Default, check)
            : null;
        return new FailNode { Id = info.Id, Pointer = info.Pointer, ErrorType = type!, Message = message };
    }

    /// <summary>A short rendering of a value for messages.</summary>
    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String or JsonValueKind.Number => element.GetRawText().Length <= 40 ? element.GetRawText() : Syntax.Kind(element.ValueKind),
        JsonValueKind.Array when element.GetArrayLength() == 0 => "an empty array",
        _ => Syntax.Kind(element.ValueKind),
    };
}
