using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HelmSim.Commands
{
    /// <summary>helm history: the revisions of one release, oldest first.</summary>
    internal sealed class HistoryCommand(HelmContext context) : HelmCommand(context, "history")
    {
        protected override IEnumerable<FlagSpec> Flags() => new[] { Value("max"), Value("output", 'o') };

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("RELEASE_NAME [flags]", "requires 1 argument");
            int max = p.Int("max", 256);
            Delay("history");
            List<Release> hist = RequireHistory(p.Positionals[0]);
            if (max > 0 && hist.Count > max) hist = hist.Skip(hist.Count - max).ToList();
            string o = Output(p);
            if (o == "table")
            {
                var rows = new List<string[]> { new[] { "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION" } };
                foreach (Release r in hist)
                {
                    rows.Add(new[] { r.Version.ToString(CultureInfo.InvariantCulture), Fmt.Ansic(r.LastDeployed), r.Status, r.Chart.FullName, r.Chart.AppVersion, r.Description });
                }
                Stdout.Write(Fmt.Table(rows, 60));
                return 0;
            }
            var arr = new JsonArray();
            foreach (Release r in hist)
            {
                arr.Add(new JsonObject
                {
                    ["revision"] = r.Version,
                    ["updated"] = Fmt.Rfc3339(r.LastDeployed),
                    ["status"] = r.Status,
                    ["chart"] = r.Chart.FullName,
                    ["app_version"] = r.Chart.AppVersion,
                    ["description"] = r.Description,
                });
            }
            WriteStructured(arr, o);
            return 0;
        }
    }
}
