using System.Management.Automation;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet that talks to a cluster: which kubeconfig to use (its kube context comes from <see cref="ContextCmdlet"/>).</summary>
    public abstract class ClusterCmdlet : AsyncCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Kubeconfig { get; set; }
    }
}
