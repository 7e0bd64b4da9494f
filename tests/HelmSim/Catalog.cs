using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HelmSim
{
    public static class Catalog
    {
        private static string? root;

        public static string Root
        {
            get
            {
                if (root == null)
                {
                    string? c = Environment.GetEnvironmentVariable("HELMSIM_CATALOG");
                    root = string.IsNullOrEmpty(c) ? Path.Combine(AppContext.BaseDirectory, "catalog") : Path.GetFullPath(c);
                }
                return root;
            }
        }

        public static List<string> VersionsIn(string chartDir)
        {
            var list = new List<string>();
            if (!Directory.Exists(chartDir)) return list;
            foreach (string d in Directory.GetDirectories(chartDir))
            {
                if (File.Exists(Path.Combine(d, "Chart.yaml"))) list.Add(Path.GetFileName(d));
            }
            list.Sort(SemVer.Compare);
            return list;
        }

        /// <summary>Loads a chart directory (Chart.yaml, values.yaml, templates/, NOTES.txt).</summary>
        public static ChartInfo LoadDir(string dir, string chartRef)
        {
            string chartYaml = Path.Combine(dir, "Chart.yaml");
            if (!File.Exists(chartYaml))
            {
                throw new SimException("Chart.yaml file is missing");
            }
            JsonObject meta;
            try
            {
                meta = Yaml.Parse(File.ReadAllText(chartYaml)) as JsonObject ?? new JsonObject();
            }
            catch (FormatException e)
            {
                throw new SimException("cannot load Chart.yaml: error converting YAML to JSON: " + e.Message);
            }
            var c = new ChartInfo
            {
                Name = Scalar(meta["name"]),
                Version = Scalar(meta["version"]),
                AppVersion = Scalar(meta["appVersion"]),
                Description = Scalar(meta["description"]),
                ApiVersion = Scalar(meta["apiVersion"]) is { Length: > 0 } av ? av : "v2",
                Type = Scalar(meta["type"]) is { Length: > 0 } ty ? ty : "application",
                Ref = chartRef,
            };
            if (c.Name.Length == 0) throw new SimException("validation: chart.metadata.name is required");
            if (c.Version.Length == 0) throw new SimException("validation: chart.metadata.version is required");
            string valuesFile = Path.Combine(dir, "values.yaml");
            if (File.Exists(valuesFile))
            {
                try
                {
                    if (Yaml.Parse(File.ReadAllText(valuesFile)) is JsonObject vals) c.Values = vals;
                }
                catch (FormatException e)
                {
                    throw new SimException("cannot load values.yaml: error converting YAML to JSON: " + e.Message);
                }
            }
            string templates = Path.Combine(dir, "templates");
            if (Directory.Exists(templates))
            {
                foreach (string f in Directory.GetFiles(templates, "*", SearchOption.AllDirectories))
                {
                    string rel = "templates/" + Path.GetRelativePath(templates, f).Replace('\\', '/');
                    if (rel.EndsWith("NOTES.txt", StringComparison.Ordinal))
                    {
                        c.NotesTemplate = File.ReadAllText(f);
                    }
                    else
                    {
                        c.Templates[rel] = File.ReadAllText(f);
                    }
                }
            }
            string notes = Path.Combine(dir, "NOTES.txt");
            if (File.Exists(notes)) c.NotesTemplate = File.ReadAllText(notes);
            return c;
        }

        private static string Scalar(JsonNode? n)
        {
            if (n is JsonValue v)
            {
                if (v.TryGetValue(out string? s)) return s;
                if (v.TryGetValue(out long l)) return l.ToString(CultureInfo.InvariantCulture);
                if (v.TryGetValue(out double d)) return Yaml.FormatDouble(d);
                return v.ToJsonString();
            }
            return "";
        }

        /// <summary>Resolves CHART + --version like Helm's LocateChart.</summary>
        public static ChartInfo Resolve(string chartRef, string? version, bool devel)
        {
            // local path
            if (Directory.Exists(chartRef))
            {
                return LoadDir(Path.GetFullPath(chartRef), chartRef);
            }
            if (File.Exists(chartRef))
            {
                throw new SimException("helmsim: chart archives are not supported, use a chart directory: " + chartRef);
            }
            if (Path.IsPathRooted(chartRef) || chartRef.StartsWith(".", StringComparison.Ordinal))
            {
                throw new SimException("path \"" + chartRef + "\" not found");
            }
            if (chartRef.StartsWith("oci://", StringComparison.Ordinal))
            {
                string path = chartRef.Substring("oci://".Length).TrimEnd('/');
                string chartDir = Path.Combine(Root, "oci", path.Replace('/', Path.DirectorySeparatorChar));
                List<string> versions = VersionsIn(chartDir);
                string? picked = Pick(versions, version, devel);
                if (picked == null)
                {
                    string tag = string.IsNullOrEmpty(version) ? "latest" : version!;
                    throw new SimException(path + ":" + tag + ": not found");
                }
                return LoadDir(Path.Combine(chartDir, picked), chartRef);
            }
            int slash = chartRef.IndexOf('/');
            if (slash <= 0)
            {
                throw new SimException("non-absolute URLs should be in form of repo_name/path_to_chart, got: " + chartRef);
            }
            string repoName = chartRef.Substring(0, slash);
            string chartName = chartRef.Substring(slash + 1);
            RepoEntry? repo = Repos.Load().FirstOrDefault(r => r.Name == repoName);
            if (repo == null)
            {
                throw new SimException("repo " + repoName + " not found");
            }
            JsonObject? index = Repos.CachedIndex(repoName);
            if (index == null)
            {
                throw new SimException("no cached repo found. (try 'helm repo update'): open " + Path.Combine(Repos.CacheDir, repoName + "-index.yaml") + ": no such file or directory");
            }
            if (!(index["entries"] is JsonObject entries) || !(entries[chartName] is JsonArray arr))
            {
                throw new SimException("chart \"" + chartName + "\" not found in " + repoName + " index. (try 'helm repo update'): no chart name found");
            }
            List<string> cached = arr.Select(n => n!.GetValue<string>()).ToList();
            string? v = Pick(cached, version, devel);
            if (v == null)
            {
                string shown = version ?? "";
                throw new SimException("chart \"" + chartName + "\" matching " + shown + " not found in " + repoName + " index. (try 'helm repo update'): no chart version found for " + chartName + "-" + shown);
            }
            string dir = Path.Combine(Root, repoName, chartName, v);
            if (!File.Exists(Path.Combine(dir, "Chart.yaml")))
            {
                throw new SimException("failed to fetch " + repo.Url.TrimEnd('/') + "/" + chartName + "-" + v + ".tgz : 404 Not Found");
            }
            return LoadDir(dir, chartRef);
        }

        /// <summary>Picks a version: exact match, a simple constraint, or (none) the newest stable.</summary>
        public static string? Pick(List<string> versions, string? wanted, bool devel)
        {
            if (versions.Count == 0) return null;
            var sorted = versions.OrderBy(v => v, Comparer<string>.Create(SemVer.Compare)).ToList();
            if (string.IsNullOrEmpty(wanted))
            {
                var stable = sorted.Where(v => devel || !SemVer.IsPrerelease(v)).ToList();
                return stable.Count > 0 ? stable[stable.Count - 1] : null;
            }
            string w = wanted!.Trim();
            foreach (string v in sorted)
            {
                if (v == w || v == w.TrimStart('v') || "v" + v == w) return v;
            }
            if (!SemVer.LooksLikeConstraint(w)) return null;
            for (int i = sorted.Count - 1; i >= 0; i--)
            {
                if (!devel && SemVer.IsPrerelease(sorted[i])) continue;
                if (SemVer.Satisfies(sorted[i], w)) return sorted[i];
            }
            return null;
        }
    }
}
