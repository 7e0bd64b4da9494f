using System;
using System.IO;
using System.Management.Automation;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.PowerShell
{
    /// <summary>What every SBKube cmdlet shares: the state DB location and error reporting.</summary>
    public abstract class SbkubeCmdlet : PSCmdlet
    {
        /// <summary>State DB file; default <c>$env:SBKUBE_STATE_DB</c>, else <c>~/.sbkube/state.db</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StatePath { get; set; }

        /// <summary>Team state on PostgreSQL: a postgres:// URI or an Npgsql string; default <c>$env:SBKUBE_STATE_CONNECTION</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StateConnection { get; set; }

        private IStateStore? _store;

        protected override void BeginProcessing()
        {
            DebugWithoutPrompt.Apply(this);
            FormatViews.EnsureLoaded(this);
        }

        /// <summary>The store, opened (and migrated) on first use; a reading cmdlet never creates one.</summary>
        protected IStateStore Store
        {
            get
            {
                if (_store == null)
                {
                    _store = ReadsOnly ? StateStore.OpenExisting(StateLocation) : StateStore.Open(StateLocation);
                    if (!ReadsOnly)
                    {
                        _store.Provenance.CiRun ??= AutomationJob();
                    }
                    foreach (string warning in _store.OpenWarnings)
                    {
                        WriteWarning(warning);
                    }
                }
                return _store;
            }
        }

        /// <summary>
        /// An Azure Automation runbook's job, which Azure names in $PSPrivateMetadata rather than in the environment
        /// the CI systems use; null elsewhere.
        /// </summary>
        private string? AutomationJob() =>
            SessionState.PSVariable.GetValue("PSPrivateMetadata") is object metadata
            && PSObject.AsPSObject(metadata).Properties["JobId"]?.Value is object job
                ? "azure-automation:job/" + job
                : null;

        /// <summary>
        /// A listing on a machine that never deployed: with no store named (no -StatePath or -StateConnection,
        /// neither environment variable) and none at the default place yet, there is nothing to list, which is
        /// no error. A store that was named and is missing stays an error (a mistyped path must not look empty).
        /// </summary>
        protected bool NothingRecordedHere()
        {
            if (StatePath != null || StateConnection != null
                || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StateLocation.ConnectionVariable))
                || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StateLocation.PathVariable)))
            {
                return false;
            }
            string path = StateStore.DefaultPath();
            if (File.Exists(path))
            {
                return false;
            }
            WriteVerbose($"There is no state database at '{path}' yet: nothing was deployed from here, so there is nothing to list.");
            return true;
        }

        /// <summary>True for cmdlets that only read the store: a store that does not exist is an error, not created.</summary>
        protected virtual bool ReadsOnly => false;

        /// <summary>Where the state lives, from -StatePath / -StateConnection and the environment.</summary>
        protected StateLocation StateLocation => StateLocation.Resolve(
            StatePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StatePath), StateConnection);

        protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>
        /// True for Get-* cmdlets: an app, revision or lock that does not exist is a non-terminating error,
        /// as with Get-Item, so -ErrorAction SilentlyContinue and -ErrorVariable work and piped input goes on.
        /// </summary>
        protected virtual bool NotFoundGoesOn => false;

        /// <summary>Runs the cmdlet body, turning known engine exceptions into ErrorRecords (see <see cref="Report"/>).</summary>
        protected void Guard(Action body, object? target = null)
        {
            try
            {
                body();
            }
            catch (Exception e) when (Known(e, target, out ErrorRecord? record))
            {
                Report(e, record!);
            }
        }

        /// <summary>
        /// True for an exception this module has an ErrorRecord for; any other (and a stopped pipeline) propagates
        /// as it is. Every cmdlet's failures pass through here and <see cref="Report"/>, synchronous or not.
        /// </summary>
        private protected static bool Known(Exception e, object? target, out ErrorRecord? record)
        {
            record = null;
            return !(e is PipelineStoppedException) && ErrorMapper.TryMap(e, target, out record);
        }

        /// <summary>Writes the failure's ErrorRecord: terminating, except what is not found for a Get-* cmdlet (<see cref="NotFoundGoesOn"/>).</summary>
        private protected void Report(Exception e, ErrorRecord record)
        {
            if (NotFoundGoesOn && e is SBKube.Core.SbkubeException { Kind: SBKube.Core.ErrorKind.ObjectNotFound })
            {
                WriteError(record);
                return;
            }
            ThrowTerminatingError(record);
        }

        protected void WriteNonTerminating(Exception e, object? target)
        {
            if (ErrorMapper.TryMap(e, target, out ErrorRecord? record))
            {
                WriteError(record!);
            }
            else
            {
                throw e;
            }
        }

        /// <summary>
        /// ShouldProcess; when the session cannot show the prompt (pwsh -NonInteractive), an error that says
        /// how to go on instead of PowerShell's bare "NonInteractive mode" (these three hide Cmdlet's own).
        /// </summary>
        protected new bool ShouldProcess(string target, string action)
        {
            try
            {
                return base.ShouldProcess(target, action);
            }
            catch (PSInvalidOperationException e) when (PromptFailed(e))
            {
                throw CannotAsk(action + " (" + target + ")", e);
            }
        }

        protected new bool ShouldProcess(string description, string warning, string caption)
        {
            try
            {
                return base.ShouldProcess(description, warning, caption);
            }
            catch (PSInvalidOperationException e) when (PromptFailed(e))
            {
                throw CannotAsk(description, e);
            }
        }

        protected new bool ShouldProcess(string description, string warning, string caption, out ShouldProcessReason reason)
        {
            try
            {
                return base.ShouldProcess(description, warning, caption, out reason);
            }
            catch (PSInvalidOperationException e) when (PromptFailed(e))
            {
                throw CannotAsk(description, e);
            }
        }

        /// <summary>The prompt itself failed, not the call (a call from another thread fails before any prompt).</summary>
        private static bool PromptFailed(PSInvalidOperationException e) =>
            e.StackTrace?.Contains("PromptForChoice", StringComparison.Ordinal) == true;

        private SBKube.Core.SbkubeException CannotAsk(string what, Exception inner)
        {
            string force = MyInvocation.MyCommand.Parameters.ContainsKey("Force") ? " or -Force" : "";
            return new SBKube.Core.SbkubeException(
                $"{MyInvocation.MyCommand.Name} must ask before it goes on ({what.TrimEnd('.')}), but this session cannot prompt " +
                $"(-NonInteractive). Pass -Confirm:$false{force} to go ahead without asking, or -WhatIf to see what it would do.",
                SBKube.Core.ErrorIds.ConfirmationUnavailable, SBKube.Core.ErrorKind.InvalidOperation, what, inner);
        }

        /// <summary>
        /// True when ShouldProcess could say no or print "What if": -WhatIf/-Confirm given as true, or the
        /// session's $WhatIfPreference / $ConfirmPreference asking for it. Only then is a plan worth computing first.
        /// </summary>
        protected bool ConfirmationRequested(ConfirmImpact impact)
        {
            if (WhatIfRequested)
            {
                return true;
            }
            if (Bound("Confirm", out bool confirm))
            {
                return confirm;
            }
            return GetVariableValue("ConfirmPreference") is ConfirmImpact preference && preference != ConfirmImpact.None && preference <= impact;
        }

        /// <summary>
        /// ShouldProcess, except that <paramref name="force"/> answers the confirmation prompt with yes unless
        /// -Confirm was given explicitly; -WhatIf still only reports.
        /// </summary>
        protected bool ShouldProcessUnlessForced(bool force, string target, string action)
        {
            if (force && !WhatIfRequested && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force: not confirmed).");
                return true;
            }
            return ShouldProcess(target, action);
        }

        /// <summary>-WhatIf given, or $WhatIfPreference set: ShouldProcess will only say what it would do.</summary>
        protected bool WhatIfRequested =>
            Bound("WhatIf", out bool whatIf) ? whatIf : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        private bool Bound(string name, out bool value)
        {
            value = MyInvocation.BoundParameters.TryGetValue(name, out object? v) && v is SwitchParameter sw && sw.IsPresent;
            return MyInvocation.BoundParameters.ContainsKey(name);
        }

        /// <summary>Wraps an object with an extra type name so Format.ps1xml can give it its own view.</summary>
        protected static PSObject WithView(object value, string typeName)
        {
            PSObject wrapped = PSObject.AsPSObject(value);
            wrapped.TypeNames.Insert(0, typeName);
            return wrapped;
        }

        private SBKube.Core.Security.SecretRedactor? _redactor;

        /// <summary>Masks secrets, with the fingerprints of this store's key.</summary>
        protected SBKube.Core.Security.SecretRedactor Redactor => _redactor ??= SBKube.Core.Security.SecretRedactor.ForStore(Store);

        /// <summary>
        /// Records leave the cmdlet with their snapshot values masked: Select-Object * must not show secrets.
        /// The masking happens when the snapshot is first read, so listing rows costs no JSON parsing.
        /// </summary>
        protected DeploymentRecord Masked(DeploymentRecord r) => r.WithMaskedConfig(Redactor.RedactSnapshot);

        /// <summary>Writes an engine result; a failed or skipped app is also a non-terminating error.</summary>
        /// <summary>Writes a result, and an error first when the app failed or was skipped; <paramref name="output"/> false writes only that error.</summary>
        protected void EmitResult(SBKube.Core.Engine.AppResult r, bool output = true)
        {
            if (r.Outcome == SBKube.Core.Engine.AppOutcome.Failed || r.Outcome == SBKube.Core.Engine.AppOutcome.Skipped)
            {
                WriteError(ErrorMapper.ForResult(r));
            }
            if (!output)
            {
                return;
            }
            if (r.Record != null)
            {
                r.Record = Masked(r.Record);
            }
            WriteObject(r);
        }

        protected void Fail(string errorId, ErrorCategory category, string message, object? target) =>
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, category, target));
    }
}
