using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HelmSim.Commands
{
    /// <summary>helm get values|manifest|notes|metadata: one part of a stored revision (--revision, else the latest).</summary>
    internal sealed class GetCommand(HelmContext context, string part) : HelmCommand(context, "get " + part)
    {
        protected override IEnumerable<FlagSpec> Flags() => part switch
        {
            "values" => new[] { Value("revision"), Bool("all", 'a'), Value("output", 'o') },
            "metadata" => new[] { Value("revision"), Value("output", 'o') },
            _ => new[] { Value("revision") },
        };

        protected override int Run(ParsedArgs p)
        {
            Release r = RequireRevision(p, "get");
            switch (part)
            {
                case "values":
                    WriteValues(p, r);
                    break;
                case "manifest":
                    Stdout.Write(r.Manifest + "\n");
                    break;
                case "notes":
                    if (r.Notes.Length > 0) Stdout.Write("NOTES:\n" + r.Notes.TrimEnd('\n') + "\n");
                    break;
                default:
                    WriteMetadata(p, r);
                    break;
            }
            return 0;
        }

        /// <summary>The user-supplied values, or with --all the values computed with the chart's defaults.</summary>
        private void WriteValues(ParsedArgs p, Release r)
        {
            bool all = p.Bool("all");
            JsonObject? vals = all ? Values.Coalesce(r.Chart.Values, r.Config) : r.Config;
            string o = Output(p);
            if (o == "table")
            {
                Stdout.Write((all ? "COMPUTED VALUES:\n" : "USER-SUPPLIED VALUES:\n") + Yaml.Emit(vals));
            }
            else
            {
                WriteStructured(vals, o);
            }
        }

        private void WriteMetadata(ParsedArgs p, Release r)
        {
            string o = Output(p);
            string deployedAt = Fmt.Rfc3339(r.LastDeployed);
            if (o == "table")
            {
                Stdout.Write("NAME: " + r.Name + "\nCHART: " + r.Chart.Name + "\nVERSION: " + r.Chart.Version + "\nAPP_VERSION: " + r.Chart.AppVersion +
                    "\nNAMESPACE: " + r.Namespace + "\nREVISION: " + r.Version.ToString(CultureInfo.InvariantCulture) + "\nSTATUS: " + r.Status + "\nDEPLOYED_AT: " + deployedAt + "\n");
                return;
            }
            var m = new JsonObject
            {
                ["name"] = r.Name,
                ["chart"] = r.Chart.Name,
                ["version"] = r.Chart.Version,
                ["appVersion"] = r.Chart.AppVersion,
                ["namespace"] = r.Namespace,
                ["revision"] = r.Version,
                ["status"] = r.Status,
                ["deployedAt"] = deployedAt,
            };
            WriteStructured(m, o);
        }
    }
}
