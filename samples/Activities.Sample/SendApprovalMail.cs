using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Execution;

namespace Serverless.Samples.Activities;

/// <summary>The input of <c>send-approval-mail</c>.</summary>
/// <param name="To">Who is asked to decide.</param>
/// <param name="Employee">Who spent the money.</param>
/// <param name="Amount">How much.</param>
public sealed record ApprovalMail(string To, string Employee, decimal Amount);

/// <summary>The output of <c>send-approval-mail</c>.</summary>
/// <param name="MessageId">Stable for the node: a repeated attempt names the same message.</param>
/// <param name="To">The recipient.</param>
public sealed record MailReceipt(string MessageId, string To);

/// <summary>
/// Asks someone to approve an expense by raising the event <c>approval</c> with <c>{"approved": true|false}</c>. The
/// sample writes the mail to the host's log (event 1 of <c>Serverless.Samples.Activities</c>) instead of sending it; a
/// real one would call a mail service with <see cref="MailReceipt.MessageId"/> as its dedupe key, since an attempt can
/// run twice.
/// </summary>
public sealed partial class SendApprovalMail(ILogger<SendApprovalMail> logger) : IWorkflowActivity<ApprovalMail, MailReceipt>
{
    /// <summary>The name <c>activity</c> nodes use.</summary>
    public const string Name = "send-approval-mail";

    /// <inheritdoc/>
    public Task<MailReceipt> RunAsync(ApprovalMail input, ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(input.To))
        {
            throw new ActivityFailedException("InvalidMail", "an approval mail needs a recipient");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{context.InstanceId}:{context.Path}"));
        var messageId = "MAIL-" + Convert.ToHexString(hash, 0, 5).ToUpper(CultureInfo.InvariantCulture);
        MailWritten(logger, input.To, input.Employee, input.Amount, context.InstanceId, messageId);
        return Task.FromResult(new MailReceipt(messageId, input.To));
    }

    [LoggerMessage(1, LogLevel.Information,
        "Mail to {To}: please approve the expense of {Amount} by {Employee}; raise 'approval' on instance {InstanceId} with {{\"approved\": true}} or {{\"approved\": false}} ({MessageId})")]
    private static partial void MailWritten(ILogger logger, string to, string employee, decimal amount, string instanceId, string messageId);
}
