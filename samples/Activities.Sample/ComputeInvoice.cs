using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Engine.Execution;

namespace Serverless.Samples.Activities;

/// <summary>One invoice line.</summary>
/// <param name="Sku">The article.</param>
/// <param name="Quantity">How many; at least 1.</param>
/// <param name="UnitPrice">The price of one, not negative.</param>
public sealed record InvoiceLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>The input of <c>compute-invoice</c>.</summary>
/// <param name="Customer">Who pays.</param>
/// <param name="Lines">At least one line.</param>
/// <param name="TaxRate">The tax rate, e.g. 0.2 for 20 %.</param>
/// <param name="Currency">An ISO 4217 code.</param>
public sealed record InvoiceRequest(string Customer, IReadOnlyList<InvoiceLine> Lines, decimal TaxRate = 0m, string Currency = "EUR");

/// <summary>The output of <c>compute-invoice</c>.</summary>
/// <param name="InvoiceNumber">Stable for the node: a retry computes the same number.</param>
/// <param name="Customer">Who pays.</param>
/// <param name="Subtotal">The sum of the lines.</param>
/// <param name="Tax">The tax, rounded to cents (half away from zero).</param>
/// <param name="Total">Subtotal plus tax.</param>
/// <param name="Currency">The currency.</param>
public sealed record Invoice(string InvoiceNumber, string Customer, decimal Subtotal, decimal Tax, decimal Total, string Currency);

/// <summary>
/// Computes an invoice's totals. Deterministic and side-effect free, so at-least-once delivery is harmless; the
/// invoice number derives from the instance and node path, not the attempt, so retries agree on it.
/// </summary>
public sealed class ComputeInvoice : IWorkflowActivity<InvoiceRequest, Invoice>
{
    /// <summary>The name <c>activity</c> nodes use.</summary>
    public const string Name = "compute-invoice";

    /// <inheritdoc/>
    public Task<Invoice> RunAsync(InvoiceRequest input, ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (input.Lines.Count == 0)
        {
            throw new ActivityFailedException("InvalidInvoice", "an invoice needs at least one line");
        }

        var bad = input.Lines.FirstOrDefault(l => l.Quantity < 1 || l.UnitPrice < 0);
        if (bad is not null)
        {
            throw new ActivityFailedException("InvalidInvoice", $"line '{bad.Sku}' needs a quantity of at least 1 and a price of at least 0");
        }

        var subtotal = input.Lines.Sum(l => l.Quantity * l.UnitPrice);
        var tax = Math.Round(subtotal * input.TaxRate, 2, MidpointRounding.AwayFromZero);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{context.InstanceId}:{context.Path}"));
        var number = "INV-" + Convert.ToHexString(hash, 0, 5).ToUpper(CultureInfo.InvariantCulture);
        return Task.FromResult(new Invoice(number, input.Customer, subtotal, tax, subtotal + tax, input.Currency));
    }
}
