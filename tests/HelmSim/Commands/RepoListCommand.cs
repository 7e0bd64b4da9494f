using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace HelmSim.Commands
{
    /// <summary>helm repo list: the added repositories as a table, JSON or YAML.</summary>
    internal sealed class RepoListCommand(HelmContext context) : HelmCommand(context, "repo list")
    {
        protected override IEnumerable<FlagSpec> Flags() => new[] { Value("output", 'o') };

        protected override int Run(ParsedArgs p)
        {
            Delay("repo");
            List<RepoEntry> repos = Repos.Load();
            string o = Output(p);
            if (repos.Count == 0 && o == "table")
            {
                throw new SimException("no repositories to show");
            }
            if (o == "table")
            {
                var rows = new List<string[]> { new[] { "NAME", "URL" } };
                rows.AddRange(repos.Select(r => new[] { r.Name, r.Url }));
                Stdout.Write(Fmt.Table(rows));
                return 0;
            }
            var arr = new JsonArray();
            foreach (RepoEntry r in repos) arr.Add(new JsonObject { ["name"] = r.Name, ["url"] = r.Url });
            WriteStructured(arr, o);
            return 0;
        }
    }
}
