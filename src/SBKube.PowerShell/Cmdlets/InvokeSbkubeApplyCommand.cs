using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.PowerShell.Completion;
using SBKube.Core;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Deploys the apps of a config.yaml and records each change as a revision (seed: sbkube apply).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SbkubeApply", SupportsShouldProcess = true)]
    [OutputType(typeof(AppResult), typeof(PlannedChange))]
    public sealed class InvokeSbkubeApplyCommand : DeployCmdlet
    {
        /// <summary>A folder holding config.yaml, or the file; piped folders and files (Get-ChildItem) are applied one by one.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigPathCompleter))]
        public string Path { get; set; } = ".";

        /// <summary>Replaces the config's top-level namespace.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string[]? App { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Description { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Run after the apps are applied: a script block that returns $true when healthy, or a URL that answers 2xx.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? HealthCheck { get; set; }

        /// <summary>How long the health check may take to pass: 30s, 5m, seconds, or hh:mm:ss.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string HealthTimeout { get; set; } = "5m";

        /// <summary>The pause between two tries of the health check.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string HealthInterval { get; set; } = "5s";

        /// <summary>When an app fails or the health check does, return every app this run changed to the revision deployed before it.</summary>
        [Parameter]
        public SwitchParameter RollbackOnFailure { get; set; }

        private string? _configFile;

        protected override string Activity => "Invoke-SbkubeApply " + (_configFile ?? Path);

        protected override object? ErrorTarget => Path;

        protected override async Task ProcessRecordAsync(CancellationToken stopping)
        {
            SbkubeConfig config = ConfigLoader.Load(ResolvePath(Path), Namespace, new SecretManagementSource(this));
            _configFile = config.ConfigFile;
            HealthProbe? probe = HealthProbeFromParameters();
            var options = new ApplyOptions
            {
                Apps = App,
                Force = Force.IsPresent,
                Description = Description,
                ThrottleLimit = ThrottleLimit,
                Lock = Lock.IsPresent,
                LockTimeout = LockWait,
                // The plan someone reads asks Helm to render each change; an apply finds the same errors by deploying.
                RenderPlan = WhatIfRequested,
            };
            // -WhatIf records nothing, so it creates no store either: a plan before the first apply reads an empty one.
            using ScratchStore? scratch = WhatIfRequested ? ScratchStore.IfMissing(StateLocation) : null;
            EngineSession session = NewSession(config.Sources.KubeContext, config.Sources.Kubeconfig, scratch?.Store);
            var engine = new ApplyEngine(session);
            var results = new List<AppResult>();
            void Emit(AppResult r)
            {
                lock (results)
                {
                    results.Add(r);
                }
                PostOutput(() => EmitResult(r));
            }
            if (!ConfirmationRequested(ConfirmImpact.Medium))
            {
                await engine.RunAsync(config, options, Emit, stopping);
                await AfterRunAsync(session, results, probe, stopping);
                return;
            }
            // Plan once, confirm each change here on the pipeline thread, execute the confirmed part of that plan.
            // -WhatIf returns the plan: one object per app with its action and differences.
            ApplyPlan plan = await engine.PlanAsync(config, options, stopping);
            bool whatIf = WhatIfRequested;
            var confirmed = new List<string>();
            foreach (PlannedApp p in plan.Apps)
            {
                if (p.ChangesCluster && ShouldProcess($"{p.Namespace}/{p.Name}", p.Operation))
                {
                    confirmed.Add(p.Name);
                }
                else if (whatIf)
                {
                    WriteObject(PlannedChange.From(p, session.Redactor));
                }
                else if (!p.ChangesCluster)
                {
                    WriteVerbose($"{p.Namespace}/{p.Name}: {p.Message}");
                }
            }
            if (confirmed.Count > 0)
            {
                await engine.ExecuteAsync(plan.ConfirmedFor(confirmed), Emit, stopping);
            }
            if (!whatIf)
            {
                await AfterRunAsync(session, results, probe, stopping);
            }
        }

        private TimeSpan _healthTimeout, _healthInterval;

        /// <summary>Checks the health parameters before anything changes.</summary>
        private HealthProbe? HealthProbeFromParameters()
        {
            _healthTimeout = DurationText.ParsePositive(HealthTimeout, "-HealthTimeout");
            _healthInterval = DurationText.ParsePositive(HealthInterval, "-HealthInterval");
            TimeSpan tryTimeout = _healthTimeout < TimeSpan.FromSeconds(10) ? _healthTimeout : TimeSpan.FromSeconds(10);
            return HealthCheck == null ? null : HealthCheckArgument.ToProbe(HealthCheck, tryTimeout);
        }

        /// <summary>
        /// The health check once every app is applied, and with -RollbackOnFailure the way back when an app
        /// or the check failed. Runs on the pipeline thread, where a script block check must run.
        /// </summary>
        private async Task AfterRunAsync(EngineSession session, List<AppResult> results, HealthProbe? probe, CancellationToken stopping)
        {
            AppResult? failedApp = results.FirstOrDefault(r => r.Outcome == AppOutcome.Failed);
            string? reason = null;
            if (failedApp != null)
            {
                reason = $"apply of {failedApp.App} failed";
                if (probe != null)
                {
                    WriteWarning($"The health check did not run: {reason}.");
                }
            }
            else if (probe != null)
            {
                HealthVerdict verdict = await HealthWatch.WaitAsync(probe, _healthTimeout, _healthInterval,
                    (n, why) => WriteVerbose($"Health check, try {n}: {why}"), stopping);
                if (verdict.Healthy)
                {
                    WriteVerbose($"Health check passed (try {verdict.Attempts}).");
                    return;
                }
                reason = "health check failed: " + verdict.Reason;
            }
            if (reason == null)
            {
                return;
            }
            reason = session.Redactor.RedactText(reason)!;
            var reverter = new RunReverter(session);
            IReadOnlyList<RevertStep> steps = RollbackOnFailure ? reverter.Plan(results) : Array.Empty<RevertStep>();
            var confirmed = steps.Where(s => ShouldProcess($"{s.Changed.Namespace}/{s.Changed.App}", s.Before != null
                ? $"Roll back to revision {s.Before.Revision} ({reason})"
                : $"Uninstall: it had no revision before this run ({reason})")).ToList();
            var reverted = new List<AppResult>();
            // A revert is the way back to safety: Ctrl+C does not stop it (helm halfway would leave a release pending).
            await reverter.RevertAsync(confirmed, reason, r =>
            {
                lock (reverted)
                {
                    reverted.Add(r);
                }
                PostOutput(() => EmitResult(r));
            }, CancellationToken.None);
            if (failedApp != null && reverted.Count > 0)
            {
                WriteWarning(HealthFailure(reason, reverted));
            }
            else if (failedApp == null)
            {
                WriteError(new ErrorRecord(new SbkubeException(HealthFailure(reason, reverted), ErrorIds.HealthCheckFailed, ErrorKind.InvalidOperation, _configFile),
                    ErrorIds.HealthCheckFailed, ErrorCategory.InvalidResult, _configFile));
            }
        }

        private string HealthFailure(string reason, IReadOnlyList<AppResult> reverted)
        {
            string Done(AppResult r) => r.Outcome == AppOutcome.Failed ? $"{r.App} could not go back ({r.Message})"
                : r.Outcome == AppOutcome.Uninstalled ? $"{r.App} uninstalled" : $"{r.App} back at revision {r.Revision}";
            string first = char.ToUpperInvariant(reason[0]) + reason.Substring(1) + (reason.StartsWith("health", StringComparison.Ordinal) ? $" within {HealthTimeout}." : ".");
            if (!RollbackOnFailure)
            {
                return first + " Nothing was rolled back; with -RollbackOnFailure the apps this run changed return to the revisions deployed before it.";
            }
            return reverted.Count == 0 ? first + " This run changed no app, so nothing was rolled back."
                : first + " Rolled back: " + string.Join("; ", reverted.Select(Done)) + ".";
        }
    }
}
