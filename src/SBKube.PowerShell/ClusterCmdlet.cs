using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet that talks to a cluster: which kube context and kubeconfig to use.</summary>
    public abstract class ClusterCmdlet : AsyncCmdlet
    {
        /// <summary>Passed to every helm/kubectl call and recorded with each revision.</summary>
        /// <remarks>Binds from a piped record's Context; an empty one names the revisions recorded without a context.</remarks>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Context")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        [ValidateKubeName(KubeName.Context)]
        public string? KubeContext { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Kubeconfig { get; set; }
    }
}
