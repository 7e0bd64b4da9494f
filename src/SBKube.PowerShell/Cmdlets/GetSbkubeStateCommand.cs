using System;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Lists recorded revisions (seed: sbkube state list).</summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeState")]
    [OutputType(typeof(DeploymentRecord), typeof(string))]
    public sealed class GetSbkubeStateCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        protected override bool NotFoundGoesOn => true;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        /// <summary>Only the newest revision of each app.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        /// <summary>Json prints the seed's JSON list, Table the seed's text table (sbkube state list), instead of objects.</summary>
        [Parameter]
        [ValidateSet("Object", "Json", "Table")]
        public string Format { get; set; } = "Object";

        /// <summary>
        /// A pending revision, as what it is: a run of this host that still works is only news; one whose
        /// process is gone, or one of another host this one cannot look into, needs a word on settling it.
        /// </summary>
        private void DescribePending(DeploymentRecord p)
        {
            string since = p.DeployedAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            string settle = $"Repair-SbkubeState -Namespace {p.Namespace} -App {p.App}{(p.Context.Length > 0 ? " -KubeContext " + p.Context : "")} settles it, " +
                "as does the next apply, rollback or delete of that app.";
            bool here = string.Equals(p.OwnerHost, CurrentProcess.Host, StringComparison.OrdinalIgnoreCase);
            if (here && CurrentProcess.IsAlive(p.OwnerPid, p.OwnerHost))
            {
                WriteVerbose($"{p}: being deployed by process {p.OwnerPid} on this host since {since}; it records its end itself.");
            }
            else if (here || p.OwnerPid == null)
            {
                WriteWarning($"{p} since {since}: its run was interrupted (process {p.OwnerPid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} is gone). {settle}");
            }
            else
            {
                WriteWarning($"{p}: a run on {p.OwnerHost} (process {p.OwnerPid}) started it at {since}; it is still working there, or was interrupted. If it was, {settle}");
            }
        }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (NothingRecordedHere())
            {
                return;
            }
            // A read never settles: it says which rows are pending and how to settle them.
            foreach (DeploymentRecord p in Store.Pending(Namespace))
            {
                if ((App == null || p.App == App) && (KubeContext == null || p.Context == KubeContext))
                {
                    DescribePending(p);
                }
            }
            // Every format streams: rows are written as the store reads them, never collected.
            switch (Format)
            {
                case "Json":
                    StateJson.WriteLines(WriteObject, sink => Store.Stream(sink, Namespace, App, KubeContext, Latest.IsPresent, snapshots: false));
                    break;
                case "Table":
                    var table = new StateTable(Store.ListWidths(Namespace, App, KubeContext, Latest.IsPresent));
                    WriteObject(table.Header);
                    Store.Stream(r => WriteObject(table.Row(r)), Namespace, App, KubeContext, Latest.IsPresent, snapshots: false);
                    break;
                default:
                    // Select-Object * must not show secrets: each row's snapshot is masked when first read.
                    Store.Stream(WriteObject, Namespace, App, KubeContext, Latest.IsPresent, maskSnapshot: Redactor.RedactSnapshot);
                    break;
            }
        });
    }
}
