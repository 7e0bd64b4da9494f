using System.Management.Automation;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet that talks to a cluster: which kube context and kubeconfig to use.</summary>
    public abstract class ClusterCmdlet : AsyncCmdlet
    {
        /// <summary>Passed to every helm/kubectl call and recorded with each revision.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Context)]
        public string? KubeContext { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Kubeconfig { get; set; }
    }
}
