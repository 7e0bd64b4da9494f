using System.IO;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Every revision with its snapshot and history as a JSON document (seed: state list --format json &gt; file).
    /// A backup format: values are NOT redacted, and a -Path file is created readable by its owner only.
    /// </summary>
    [Cmdlet(VerbsData.Export, "SbkubeState")]
    [OutputType(typeof(string), typeof(FileInfo))]
    public sealed class ExportSbkubeStateCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        /// <summary>File to write; without it the JSON text goes to the pipeline.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        /// <summary>Replace an existing -Path file (only ever a regular file).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>With -Path, also output the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (Path == null)
            {
                WriteObject(Store.ExportJson(Namespace, App, KubeContext));
                return;
            }
            FileInfo file = Store.ExportToFile(ResolvePath(Path), Namespace, App, KubeContext, overwrite: Force.IsPresent);
            if (PassThru)
            {
                WriteObject(file);
            }
        }, Path);
    }
}
