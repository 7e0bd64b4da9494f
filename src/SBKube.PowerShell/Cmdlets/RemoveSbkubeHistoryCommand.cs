using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SBKube.Core;
using SBKube.PowerShell.Completion;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Deletes old revisions and their history rows (seed: sbkube state prune --older-than 30d). Never the
    /// deployed revision, the newest revision of an app, the newest -KeepLast, or pending rows.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SbkubeHistory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PruneSummary))]
    public sealed class RemoveSbkubeHistoryCommand : ContextCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        /// <summary>30d, 12h, 90m, 2w, a TimeSpan (30.00:00:00) or a date (2025-01-01, local time).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OlderThan { get; set; }

        /// <summary>Keep the newest N revisions of each app.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? KeepLast { get; set; }

        /// <summary>Write what went: one summary per app (how many revisions, which range, which dates).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (OlderThan == null && KeepLast == null)
            {
                Fail(ErrorIds.PruneCriteriaMissing, ErrorCategory.InvalidArgument,
                    "Remove-SbkubeHistory needs -OlderThan (e.g. 30d, 12h, 2w, 30.00:00:00 or 2025-01-01), -KeepLast N, or both.",
                    null);
            }
            var request = new PruneRequest
            {
                Namespace = Namespace,
                App = App,
                Context = KubeContext,
                OlderThanUtc = OlderThan == null ? (DateTime?)null : PruneAge.ParseCutoff(OlderThan, DateTime.UtcNow, "-OlderThan"),
                KeepLast = KeepLast,
                WhatIf = true,
            };
            if (!ConfirmationRequested(ConfirmImpact.Medium))
            {
                // Nobody is asked: one pass that summarises and deletes, instead of a plan and then the same work again.
                string rules = $"the revisions matching the prune rules in '{Store.Path}'";
                if (ShouldProcess($"Removing {rules}.", $"Remove {rules}?", "Remove-SbkubeHistory"))
                {
                    request.WhatIf = false;
                    WritePruned(request);
                }
                return;
            }
            IReadOnlyList<PruneSummary> planned = Store.PruneBySummary(request);
            if (planned.Count == 0)
            {
                WriteVerbose("No revision matches; nothing to remove.");
                return;
            }

            // One confirmation for the batch: the deletion is a single transaction.
            string target = $"{planned.Sum(a => a.Revisions)} revision(s) of {Describe(planned)} in '{Store.Path}'";
            if (!ShouldProcess(
                    $"Removing {target}.", $"Remove {target}?", "Remove-SbkubeHistory", out ShouldProcessReason reason))
            {
                if (reason == ShouldProcessReason.WhatIf)
                {
                    // -WhatIf returns what would go, per app, like Invoke-SbkubeApply -WhatIf returns its plan.
                    WriteObject(planned, enumerateCollection: true);
                }
                return;
            }
            request.WhatIf = false;
            WritePruned(request);
        });

        /// <summary>Prunes; says what went in the verbose stream, and with -PassThru as one summary per app.</summary>
        private void WritePruned(PruneRequest request)
        {
            IReadOnlyList<PruneSummary> removed = Store.PruneBySummary(request);
            WriteVerbose(removed.Count == 0 ? "No revision matches; nothing was removed."
                : $"Removed {removed.Sum(a => a.Revisions)} revision(s) of {Describe(removed)}.");
            if (PassThru)
            {
                WriteObject(removed, enumerateCollection: true);
            }
        }

        private static string Describe(IReadOnlyList<PruneSummary> rows)
        {
            List<string> apps = rows.Select(r => r.Namespace + "/" + r.App).Distinct().ToList();
            return apps.Count <= 5 ? string.Join(", ", apps) : $"{string.Join(", ", apps.Take(5))} and {apps.Count - 5} more app(s)";
        }
    }
}
