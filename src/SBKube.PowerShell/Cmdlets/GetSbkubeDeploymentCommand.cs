using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>One revision with its values (seed: sbkube state show).</summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeDeployment")]
    [OutputType(typeof(DeploymentDetail), typeof(string))]
    public sealed class GetSbkubeDeploymentCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        protected override bool NotFoundGoesOn => true;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string App { get; set; } = "";

        /// <summary>A revision number or <c>current</c> (the deployed revision); default current.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RevisionCompleter))]
        public string Revision { get; set; } = "current";

        [Parameter]
        public SwitchParameter ShowSecrets { get; set; }

        /// <summary>Yaml prints the seed's YAML document instead of an object.</summary>
        [Parameter]
        [ValidateSet("Object", "Yaml", "Json")]
        public string Format { get; set; } = "Object";

        protected override void ProcessRecord() => Guard(() =>
        {
            RevisionRef wanted = RevisionRef.Parse(Revision, "-Revision");
            DeploymentRecord record = wanted.Resolve(Store, Namespace, App, KubeContext);
            if (wanted.IsCurrent && record.Status != DeploymentStatus.Deployed)
            {
                WriteWarning($"{Namespace}/{App} has no deployed revision in the state store; revision {record.Revision} ({record.Status}) is its newest.");
            }
            DeploymentDetail detail = DeploymentDetail.From(record, Redactor, ShowSecrets.IsPresent);
            switch (Format)
            {
                case "Yaml":
                    WriteObject(detail.ToYaml());
                    break;
                case "Json":
                    WriteObject(detail.ToJson());
                    break;
                default:
                    WriteObject(detail);
                    break;
            }
        }, $"{Namespace}/{App}");
    }
}
