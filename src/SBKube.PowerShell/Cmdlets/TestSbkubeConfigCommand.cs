using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Config;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Validates config.yaml and sources.yaml without touching Helm or the state DB; emits one object per problem.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SbkubeConfig")]
    [OutputType(typeof(ConfigIssue), typeof(bool))]
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

        /// <summary>Only $true (no problem) or $false, like Test-Path -Quiet; a path with no config is still an error.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void BeginProcessing()
        {
            DebugWithoutPrompt.Apply(this);
            FormatViews.EnsureLoaded(this);
        }

        protected override void ProcessRecord()
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!Quiet)
            {
                WriteObject(ConfigLoader.Validate(full, Namespace, new SecretManagementSource(this)), enumerateCollection: true);
                return;
            }
            if (ConfigLoader.FindConfigFile(full) == null)
            {
                WriteError(new ErrorRecord(new System.IO.FileNotFoundException($"Cannot find a config.yaml at '{full}' because it does not exist."),
                    SBKube.Core.ErrorIds.ConfigNotFound, ErrorCategory.ObjectNotFound, full));
                return;
            }
            WriteObject(ConfigLoader.Validate(full, Namespace, new SecretManagementSource(this)).Count == 0);
        }
    }
}
