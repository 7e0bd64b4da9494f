using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Config;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Validates config.yaml and sources.yaml without touching Helm or the state DB; emits one object per problem.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SbkubeConfig")]
    [OutputType(typeof(ConfigIssue))]
    public sealed class TestSbkubeConfigCommand : PSCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigPathCompleter))]
        public string Path { get; set; } = ".";

        /// <summary>Validate as if applied with this namespace override.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        protected override void ProcessRecord()
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            WriteObject(ConfigLoader.Validate(full, Namespace), enumerateCollection: true);
        }
    }
}
