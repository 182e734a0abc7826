using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Samples.Services;

/// <summary>
/// Stand-ins for the services the samples in <c>samples/</c> call, so every sample runs on one machine: each workflow
/// takes the services' base URL in its input (<c>servicesUrl</c>, <c>postUrl</c>), so the same definition calls these
/// locally and your real services in Azure. Stateless and deterministic: the same request gets the same answer.
/// </summary>
internal static class SampleServices
{
    /// <summary>Where the services listen unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> say otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7072";

    /// <summary>The orders <c>GET /orders/{id}</c> knows: express with two lines, standard with one, and one without lines.</summary>
    private static readonly Dictionary<string, (string Shipping, (string Sku, int Quantity)[] Lines)> Orders = new(StringComparer.Ordinal)
    {
        ["A-1001"] = ("express", [("BOOK-1", 1), ("PEN-2", 3)]),
        ["A-1002"] = ("standard", [("MUG-7", 2)]),
        ["A-1003"] = ("standard", []),
    };

    /// <summary>The application, with every service mapped.</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // One line per call (below) says what the samples did; ASP.NET Core's own request lines would repeat it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Samples.Services");
        app.Use(async (context, next) =>
        {
            await next(context);
            logger.LogInformation("{Method} {Path} answered {Status}", context.Request.Method, context.Request.Path, context.Response.StatusCode);
        });
        app.MapSampleServices();
        return app;
    }

    /// <summary>Maps the services' routes.</summary>
    public static void MapSampleServices(this IEndpointRouteBuilder app)
    {
        // orders (order-fulfilment): needs a bearer token, the sample's secret ORDERS_TOKEN; any value does here.
        app.MapGet("/orders/{orderId}", (string orderId, HttpRequest request) =>
        {
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                || request.Headers.Authorization.ToString().Length <= "Bearer ".Length)
            {
                return Error(401, "a bearer token is required");
            }

            if (!Orders.TryGetValue(orderId, out var order))
            {
                return Error(404, $"no order {orderId}; try A-1001, A-1002 or A-1003");
            }

            var lines = new JsonArray([.. order.Lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["quantity"] = l.Quantity })]);
            return Json(200, new JsonObject { ["orderId"] = orderId, ["shipping"] = order.Shipping, ["lines"] = lines });
        });

        // stock (order-fulfilment): one reservation per order line.
        app.MapPost("/stock/reservations", (JsonObject body) =>
            Json(201, new JsonObject { ["reservationId"] = $"R-{Text(body, "order")}-{Text(body, "sku")}", ["quantity"] = body["quantity"]?.DeepClone() }));

        // shipping (order-fulfilment).
        app.MapPost("/shipping/shipments", (JsonObject body) => Json(201, new JsonObject
        {
            ["shipmentId"] = $"S-{Text(body, "order")}",
            ["carrier"] = body["express"]?.GetValue<bool>() == true ? "overnight" : "ground",
            ["reservations"] = body["reservations"]?.DeepClone(),
        }));

        // payments (expense-approval): needs an API key, the sample's secret PAYMENTS_KEY; any value does here.
        app.MapPost("/payments/payouts", (JsonObject body, HttpRequest request) =>
            string.IsNullOrEmpty(request.Headers["x-api-key"].ToString())
                ? Error(401, "an x-api-key header is required")
                : Json(201, new JsonObject
                {
                    ["payoutId"] = $"P-{Text(body, "employee")}-{body["amount"]?.ToJsonString()}",
                    ["employee"] = body["employee"]?.DeepClone(),
                    ["amount"] = body["amount"]?.DeepClone(),
                }));

        // billing (invoice).
        app.MapPost("/billing/invoices", (JsonObject body) => Json(201, new JsonObject { ["received"] = body["invoiceNumber"]?.DeepClone() }));

        // reports (report-polling): a job is done when it is first checked; a real service answers "running" for a while.
        app.MapPost("/reports/jobs", (JsonObject body) => Json(202, new JsonObject { ["jobId"] = $"job-{Text(body, "report")}" }));
        app.MapGet("/reports/jobs/{jobId}", (string jobId, HttpRequest request) => jobId.StartsWith("job-", StringComparison.Ordinal)
            ? Json(200, new JsonObject { ["jobId"] = jobId, ["state"] = "done", ["url"] = $"{BaseUrl(request)}/reports/files/{jobId["job-".Length..]}.pdf" })
            : Error(404, $"no job {jobId}"));
        app.MapGet("/reports/files/{file}", (string file) => Results.Text($"the report {file}\n"));

        // documents (publish-document).
        app.MapPost("/documents", (JsonObject body) =>
        {
            var url = Text(body, "url");
            var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileNameWithoutExtension(uri.AbsolutePath) : "document";
            return Json(201, new JsonObject { ["documentId"] = $"D-{name}", ["url"] = url });
        });
    }

    private static string Text(JsonObject body, string name) => body[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonNode node => node.ToJsonString(),
        null => string.Empty,
    };

    private static string BaseUrl(HttpRequest request) => string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}");

    private static IResult Json(int status, JsonNode body) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);

    private static IResult Error(int status, string message) => Json(status, new JsonObject { ["error"] = message });
}
