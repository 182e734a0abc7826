using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Execution;

namespace Serverless.Samples.Activities;

/// <summary>Registers the sample activities; call it from either host's startup.</summary>
public static class SampleActivitiesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ComputeInvoice"/> as <c>compute-invoice</c> and <see cref="SendApprovalMail"/> as
    /// <c>send-approval-mail</c>.
    /// </summary>
    public static IServiceCollection AddSampleActivities(this IServiceCollection services) => services
        .AddWorkflowActivity<ComputeInvoice>(ComputeInvoice.Name)
        .AddWorkflowActivity<SendApprovalMail>(SendApprovalMail.Name);
}
