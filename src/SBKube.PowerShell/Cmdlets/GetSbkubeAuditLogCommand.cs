using System;
using System.Linq;
using System.Management.Automation;
using SBKube.Core.State;
using SBKube.PowerShell.Completion;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// The actions on the record across apps, oldest first, streamed (seed: SELECT * FROM deployment_history
    /// WHERE action = 'rollback'), each with the app, revision and outcome it concerns.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeAuditLog")]
    [OutputType(typeof(AuditEntry))]
    public sealed class GetSbkubeAuditLogCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        protected override bool NotFoundGoesOn => true;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        [Parameter]
        [ValidateSet(HistoryAction.Deploy, HistoryAction.Upgrade, HistoryAction.Rollback, HistoryAction.Delete,
            HistoryAction.Reconcile, HistoryAction.Recover, HistoryAction.LockTakeover)]
        public string[]? Action { get; set; }

        [Parameter]
        [ValidateSet(AuditOutcome.Succeeded, AuditOutcome.Failed, AuditOutcome.Cancelled, AuditOutcome.Pending)]
        public string[]? Outcome { get; set; }

        /// <summary>Who acted (user@host); wildcards such as *@ci-runner.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary>Only actions at or after this date/time (local time unless it says otherwise).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only actions at or before this date/time (local time unless it says otherwise).</summary>
        [Parameter]
        public DateTime? Until { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (NothingRecordedHere())
            {
                return;
            }
            WildcardPattern? user = User == null ? null : new WildcardPattern(User, WildcardOptions.IgnoreCase);
            var query = new AuditQuery
            {
                Namespace = Namespace, App = App, Context = KubeContext, Actions = Action,
                Since = Since?.ToUniversalTime(), Until = Until?.ToUniversalTime(),
            };
            Store.StreamAudit(query, entry =>
            {
                if ((Outcome == null || Outcome.Contains(entry.Outcome, StringComparer.OrdinalIgnoreCase))
                    && (user == null || user.IsMatch(entry.User ?? "")))
                {
                    WriteObject(entry);
                }
            });
        }, Namespace);
    }
}
