using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet whose records belong to a kube context: -KubeContext, declared once for all of them.</summary>
    public abstract class ContextCmdlet : SbkubeCmdlet
    {
        /// <summary>The kube context whose revisions are meant (and, for a cmdlet that talks to a cluster, passed to helm and kubectl).</summary>
        /// <remarks>Binds from a piped record's Context; an empty one names the revisions recorded without a context.</remarks>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Context")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        [ValidateKubeName(KubeName.Context)]
        public string? KubeContext { get; set; }
    }
}
