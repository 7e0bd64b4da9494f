using System.Collections.Generic;

namespace HelmSim.Commands
{
    /// <summary>helm status: one revision's status, notes and (in JSON/YAML) its release record.</summary>
    internal sealed class StatusCommand(HelmContext context) : HelmCommand(context, "status")
    {
        protected override IEnumerable<FlagSpec> Flags() => new[] { Value("revision"), Value("output", 'o'), Bool("show-desc"), Bool("show-resources") };

        protected override int Run(ParsedArgs p)
        {
            Release r = RequireRevision(p, "status");
            string o = Output(p);
            if (o == "table")
            {
                Stdout.Write(Fmt.StatusTable(r, V4, p.Bool("show-desc"), false));
            }
            else
            {
                WriteStructured(Fmt.ReleaseJson(r, includeChart: false, v4: V4), o);
            }
            return 0;
        }
    }
}
