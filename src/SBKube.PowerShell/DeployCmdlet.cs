using System;
using System.Management.Automation;
using SBKube.Core;
using SBKube.Core.Engine;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet that changes a cluster: apply, rollback, delete. Adds the lock options.</summary>
    public abstract class DeployCmdlet : ClusterCmdlet
    {
        /// <summary>Hold a lock on the whole namespace for the run (seed: --lock).</summary>
        [Parameter]
        public SwitchParameter Lock { get; set; }

        /// <summary>How long to wait for a lock held by someone else: 30s, 5m, seconds, or hh:mm:ss. Default: fail at once.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LockTimeout { get; set; }

        protected TimeSpan LockWait => LockTimeout == null ? TimeSpan.Zero : DurationText.Parse(LockTimeout, "-LockTimeout");
    }
}
