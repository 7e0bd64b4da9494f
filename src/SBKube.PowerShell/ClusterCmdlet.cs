using System.Management.Automation;
using SBKube.Core.Engine;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.PowerShell
{
    /// <summary>A cmdlet that talks to a cluster: which kubeconfig to use (its kube context comes from <see cref="ContextCmdlet"/>).</summary>
    public abstract class ClusterCmdlet : AsyncCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Kubeconfig { get; set; }

        /// <summary>
        /// The engine session of this invocation: -KubeContext and -Kubeconfig when given, else the config's
        /// (<paramref name="configContext"/>, <paramref name="configKubeconfig"/>). Its secrets are masked by the
        /// redactor this cmdlet's output uses, so what the engine learns is masked in both; a
        /// <paramref name="scratch"/> store (a plan before the first apply) has its own.
        /// </summary>
        protected EngineSession NewSession(string? configContext = null, string? configKubeconfig = null, IStateStore? scratch = null)
        {
            string? kubeconfig = Kubeconfig != null ? ResolvePath(Kubeconfig) : configKubeconfig;
            return scratch == null
                ? EngineSession.Create(Store, KubeContext ?? configContext, kubeconfig, EngineLog, Redactor)
                : EngineSession.Create(scratch, KubeContext ?? configContext, kubeconfig, EngineLog, SecretRedactor.ForStore(scratch));
        }
    }
}
