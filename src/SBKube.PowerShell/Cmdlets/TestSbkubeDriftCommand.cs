using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Reports releases changed outside SBKube (helm run by hand); changes nothing.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SbkubeDrift")]
    [OutputType(typeof(DriftReport))]
    public sealed class TestSbkubeDriftCommand : ClusterCmdlet
    {
        protected override bool ReadsOnly => true;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        protected override string Activity => "Test-SbkubeDrift";

        protected override async Task ProcessRecordAsync(CancellationToken stopping)
        {
            var session = NewSession();
            WriteObject(await DriftDetector.FindAsync(session, Store, Namespace, App, stopping), enumerateCollection: true);
        }
    }
}
