using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HelmSim.Commands
{
    /// <summary>helm list: the latest revision of each release, filtered by status, name and namespace.</summary>
    internal sealed class ListCommand(HelmContext context) : HelmCommand(context, "list")
    {
        protected override IEnumerable<FlagSpec> Flags()
        {
            var l = new List<FlagSpec>
            {
                Bool("all-namespaces", 'A'), Value("filter"), Value("output", 'o'), Bool("short", 'q'), Bool("date", 'd'), Bool("reverse", 'r'), Value("max", 'm'),
                Value("offset"), Bool("no-headers"), Value("time-format"), Bool("deployed"), Bool("failed"), Bool("pending"), Bool("superseded"), Bool("uninstalled"),
                Bool("uninstalling"), Value("selector", 'l'),
            };
            if (!V4) l.Add(Bool("all", 'a'));
            return l;
        }

        // Helm 4 dropped --all (it lists every status by default) and names the long flag even for -a.
        protected override string? UnknownFlagMessage(string flag) => V4 && (flag == "all" || flag == "-a") ? "unknown flag: --all" : null;

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count > 0) throw Usage("[flags]", "accepts 0 arg(s), received " + p.Positionals.Count.ToString(CultureInfo.InvariantCulture));
            Delay("list");
            CheckReachable();
            Regex? filter = null;
            if (p.Get("filter") is { Length: > 0 } f)
            {
                try { filter = new Regex(f, RegexOptions.CultureInvariant); }
                catch (ArgumentException e) { throw new SimException("error parsing regexp: " + e.Message); }
            }
            var states = new HashSet<string>(StringComparer.Ordinal);
            if (p.Bool("deployed")) states.Add("deployed");
            if (p.Bool("failed")) states.Add("failed");
            if (p.Bool("pending")) { states.Add("pending-install"); states.Add("pending-upgrade"); states.Add("pending-rollback"); }
            if (p.Bool("superseded")) states.Add("superseded");
            if (p.Bool("uninstalled")) states.Add("uninstalled");
            if (p.Bool("uninstalling")) states.Add("uninstalling");
            bool all = V4 || p.Bool("all");
            if (states.Count == 0 && !all) { states.Add("deployed"); states.Add("failed"); }

            var results = new List<Release>();
            foreach (var (rns, rname) in Store.Releases(p.Bool("all-namespaces") ? null : Ns))
            {
                if (filter != null && !filter.IsMatch(rname)) continue;
                List<Release> hist = Store.History(rns, rname);
                if (hist.Count == 0) continue;
                Release latest = hist[hist.Count - 1];
                if (states.Count == 1 && states.Contains("superseded"))
                {
                    results.AddRange(hist.Where(h => h.Status == "superseded"));
                    continue;
                }
                if (states.Count > 0 && !states.Contains(latest.Status)) continue;
                results.Add(latest);
            }
            if (p.Bool("date"))
            {
                results = results.OrderBy(r => r.LastDeployed).ToList();
            }
            else
            {
                results = results.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ToList();
            }
            if (p.Bool("reverse")) results.Reverse();
            int offset = p.Int("offset", 0);
            int max = p.Int("max", 256);
            results = results.Skip(Math.Max(0, offset)).ToList();
            if (max > 0) results = results.Take(max).ToList();

            string o = Output(p);
            if (p.Bool("short"))
            {
                if (o == "table")
                {
                    foreach (Release r in results) Stdout.Write(r.Name + "\n");
                }
                else
                {
                    var names = new JsonArray();
                    foreach (Release r in results) names.Add(r.Name);
                    WriteStructured(names, o);
                }
                return 0;
            }
            if (o == "table")
            {
                var rows = new List<string[]>();
                if (!p.Bool("no-headers")) rows.Add(new[] { "NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION" });
                foreach (Release r in results)
                {
                    rows.Add(new[] { r.Name, r.Namespace, r.Version.ToString(CultureInfo.InvariantCulture), Fmt.GoString(r.LastDeployed), r.Status, r.Chart.FullName, r.Chart.AppVersion });
                }
                Stdout.Write(Fmt.Table(rows));
                return 0;
            }
            var arr = new JsonArray();
            foreach (Release r in results)
            {
                arr.Add(new JsonObject
                {
                    ["name"] = r.Name,
                    ["namespace"] = r.Namespace,
                    ["revision"] = r.Version.ToString(CultureInfo.InvariantCulture),
                    ["updated"] = Fmt.GoString(r.LastDeployed),
                    ["status"] = r.Status,
                    ["chart"] = r.Chart.FullName,
                    ["app_version"] = r.Chart.AppVersion,
                });
            }
            WriteStructured(arr, o);
            return 0;
        }
    }
}
