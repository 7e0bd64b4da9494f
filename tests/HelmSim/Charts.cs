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
    public sealed class RepoEntry
    {
        public string Name { get; set; } = "";
        public string Url { get; set; } = "";
        public string Username { get; set; } = "";
        public string Password { get; set; } = "";
    }

    /// <summary>Repositories ($HELMSIM_HOME/repos.json) and their index cache ($HELMSIM_HOME/repository-cache/NAME-index.json).</summary>
    public static class Repos
    {
        private static string FilePath => Path.Combine(SimEnv.Home, "repos.json");

        public static string CacheDir => Path.Combine(SimEnv.Home, "repository-cache");

        public static List<RepoEntry> Load()
        {
            var list = new List<RepoEntry>();
            if (!File.Exists(FilePath)) return list;
            if (JsonNode.Parse(File.ReadAllText(FilePath)) is JsonArray arr)
            {
                foreach (JsonNode? n in arr)
                {
                    if (n is JsonObject o)
                    {
                        list.Add(new RepoEntry
                        {
                            Name = ChartInfo.Str(o, "name"),
                            Url = ChartInfo.Str(o, "url"),
                            Username = ChartInfo.Str(o, "username"),
                            Password = ChartInfo.Str(o, "password"),
                        });
                    }
                }
            }
            return list;
        }

        public static void Save(List<RepoEntry> repos)
        {
            var arr = new JsonArray();
            foreach (RepoEntry r in repos)
            {
                arr.Add(new JsonObject { ["name"] = r.Name, ["url"] = r.Url, ["username"] = r.Username, ["password"] = r.Password });
            }
            SimEnv.WriteAtomic(FilePath, arr.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        /// <summary>Snapshot of the catalog's charts/versions for a repository (like downloading index.yaml).</summary>
        public static void Snapshot(RepoEntry repo)
        {
            string dir = Path.Combine(Catalog.Root, repo.Name);
            if (!Directory.Exists(dir))
            {
                throw new SimException("looks like \"" + repo.Url + "\" is not a valid chart repository or cannot be reached: failed to fetch " + repo.Url.TrimEnd('/') + "/index.yaml : 404 Not Found");
            }
            var entries = new JsonObject();
            foreach (string chartDir in Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
            {
                var versions = new JsonArray();
                foreach (string v in Catalog.VersionsIn(chartDir)) versions.Add(v);
                entries[Path.GetFileName(chartDir)] = versions;
            }
            var index = new JsonObject { ["url"] = repo.Url, ["generated"] = SimEnv.Now().ToString("o", CultureInfo.InvariantCulture), ["entries"] = entries };
            SimEnv.WriteAtomic(Path.Combine(CacheDir, repo.Name + "-index.json"), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        public static JsonObject? CachedIndex(string repo)
        {
            string f = Path.Combine(CacheDir, repo + "-index.json");
            if (!File.Exists(f)) return null;
            return JsonNode.Parse(File.ReadAllText(f)) as JsonObject;
        }
    }

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

    public static class SemVer
    {
        private static (long[] Nums, string Pre) Split(string v)
        {
            v = v.TrimStart('v');
            int plus = v.IndexOf('+');
            if (plus >= 0) v = v.Substring(0, plus);
            string pre = "";
            int dash = v.IndexOf('-');
            if (dash >= 0)
            {
                pre = v.Substring(dash + 1);
                v = v.Substring(0, dash);
            }
            string[] parts = v.Split('.');
            var nums = new long[3];
            for (int i = 0; i < 3 && i < parts.Length; i++)
            {
                long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out nums[i]);
            }
            return (nums, pre);
        }

        public static bool IsPrerelease(string v) => Split(v).Pre.Length > 0;

        public static int Compare(string a, string b)
        {
            var (na, pa) = Split(a);
            var (nb, pb) = Split(b);
            for (int i = 0; i < 3; i++)
            {
                int c = na[i].CompareTo(nb[i]);
                if (c != 0) return c;
            }
            if (pa.Length == 0 && pb.Length == 0) return 0;
            if (pa.Length == 0) return 1;
            if (pb.Length == 0) return -1;
            return string.CompareOrdinal(pa, pb);
        }

        public static bool LooksLikeConstraint(string c) => c.IndexOfAny(new[] { '^', '~', '>', '<', '=', '*', 'x', 'X', ',', ' ' }) >= 0 || Regex.IsMatch(c, @"^v?\d+(\.\d+)?$");

        public static bool Satisfies(string v, string constraint)
        {
            foreach (string orPart in constraint.Split("||"))
            {
                bool all = true;
                foreach (string term in orPart.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!One(v, term.Trim())) { all = false; break; }
                }
                if (all) return true;
            }
            return false;
        }

        private static bool One(string v, string t)
        {
            string op = "";
            foreach (string o in new[] { ">=", "<=", "!=", ">", "<", "=", "^", "~" })
            {
                if (t.StartsWith(o, StringComparison.Ordinal)) { op = o; t = t.Substring(o.Length).Trim(); break; }
            }
            string[] parts = t.TrimStart('v').Split('.');
            int given = parts.TakeWhile(p => p.Length > 0 && p != "x" && p != "X" && p != "*").Count();
            string baseV = string.Join(".", parts.Take(given).Concat(Enumerable.Repeat("0", 3)).Take(3));
            int cmp = Compare(v, baseV);
            var (nv, _) = Split(v);
            var (nb, _) = Split(baseV);
            switch (op)
            {
                case ">=": return cmp >= 0;
                case ">": return cmp > 0;
                case "<=": return cmp <= 0;
                case "<": return cmp < 0;
                case "!=": return cmp != 0;
                case "^": return cmp >= 0 && nv[0] == nb[0] && (nb[0] != 0 || nv[1] == nb[1]);
                case "~": return cmp >= 0 && nv[0] == nb[0] && (given < 2 || nv[1] == nb[1]);
                default:
                    if (given >= 3) return cmp == 0;
                    for (int i = 0; i < given; i++) if (nv[i] != nb[i]) return false;
                    return true;
            }
        }
    }

    /// <summary>Values: -f files, --set parsing (strvals-like), merging and coalescing.</summary>
    public static class Values
    {
        public static void MergeInto(JsonObject dst, JsonObject src)
        {
            foreach (var kv in src.ToList())
            {
                if (kv.Value is JsonObject so && dst[kv.Key] is JsonObject d)
                {
                    MergeInto(d, so);
                }
                else
                {
                    dst[kv.Key] = kv.Value?.DeepClone();
                }
            }
        }

        /// <summary>Chart defaults coalesced with user values (user wins; null deletes).</summary>
        public static JsonObject Coalesce(JsonObject defaults, JsonObject? user)
        {
            var result = (JsonObject)defaults.DeepClone();
            if (user != null) CoalesceInto(result, user);
            return result;
        }

        private static void CoalesceInto(JsonObject dst, JsonObject src)
        {
            foreach (var kv in src)
            {
                if (kv.Value == null)
                {
                    dst.Remove(kv.Key);
                }
                else if (kv.Value is JsonObject so && dst[kv.Key] is JsonObject d)
                {
                    CoalesceInto(d, so);
                }
                else
                {
                    dst[kv.Key] = kv.Value.DeepClone();
                }
            }
        }

        public static JsonObject ReadValuesFile(string path)
        {
            // Helm reads a values path of "-" (after trimming) from standard input.
            bool stdin = path.Trim() == "-";
            if (!stdin && !File.Exists(path))
            {
                throw new SimException("open " + path + ": no such file or directory");
            }
            try
            {
                JsonNode? n = Yaml.Parse(stdin ? Console.In.ReadToEnd() : File.ReadAllText(path));
                if (n == null) return new JsonObject();
                if (n is JsonObject o) return o;
                throw new SimException("failed to parse " + path + ": error unmarshaling JSON: json: cannot unmarshal " + (n is JsonArray ? "array" : "string") + " into Go value of type map[string]interface {}");
            }
            catch (FormatException e)
            {
                throw new SimException("failed to parse " + path + ": error converting YAML to JSON: " + e.Message);
            }
        }

        public enum SetMode { Typed, String, Json, Literal }

        /// <summary>Applies one --set style expression ("a.b=1,c[0]=x") to dst.</summary>
        public static void ApplySet(JsonObject dst, string expr, SetMode mode)
        {
            int i = 0;
            while (i < expr.Length)
            {
                // key
                var key = new StringBuilder();
                while (i < expr.Length && expr[i] != '=')
                {
                    if (expr[i] == '\\' && i + 1 < expr.Length) { key.Append('\\').Append(expr[i + 1]); i += 2; continue; }
                    if (expr[i] == ',' && mode != SetMode.Literal)
                    {
                        throw new SimException("key \"" + key + "\" has no value (cannot end with ,)");
                    }
                    key.Append(expr[i]);
                    i++;
                }
                if (i >= expr.Length)
                {
                    throw new SimException("key \"" + key + "\" has no value");
                }
                i++; // '='
                JsonNode? value;
                if (mode == SetMode.Literal)
                {
                    value = JsonValue.Create(expr.Substring(i));
                    i = expr.Length;
                }
                else if (mode == SetMode.Json)
                {
                    string raw = ReadJsonValue(expr, ref i);
                    try { value = JsonNode.Parse(raw); }
                    catch (JsonException e) { throw new SimException("failed parsing --set-json data " + raw + ": " + e.Message); }
                }
                else if (i < expr.Length && expr[i] == '{')
                {
                    int close = expr.IndexOf('}', i);
                    if (close < 0) throw new SimException("list must terminate with '}'");
                    var arr = new JsonArray();
                    foreach (string item in expr.Substring(i + 1, close - i - 1).Split(',', StringSplitOptions.None))
                    {
                        if (close - i - 1 == 0) break;
                        arr.Add(Typed(item, mode));
                    }
                    value = arr;
                    i = close + 1;
                    if (i < expr.Length && expr[i] == ',') i++;
                }
                else
                {
                    var val = new StringBuilder();
                    while (i < expr.Length && expr[i] != ',')
                    {
                        if (expr[i] == '\\' && i + 1 < expr.Length) { val.Append(expr[i + 1]); i += 2; continue; }
                        val.Append(expr[i]);
                        i++;
                    }
                    if (i < expr.Length) i++; // ','
                    value = Typed(val.ToString(), mode);
                }
                SetPath(dst, key.ToString(), value);
            }
        }

        private static string ReadJsonValue(string expr, ref int i)
        {
            int start = i, depth = 0;
            bool inStr = false;
            for (; i < expr.Length; i++)
            {
                char c = expr[i];
                if (inStr)
                {
                    if (c == '\\') i++;
                    else if (c == '"') inStr = false;
                    continue;
                }
                if (c == '"') inStr = true;
                else if (c == '{' || c == '[') depth++;
                else if (c == '}' || c == ']') depth--;
                else if (c == ',' && depth == 0) break;
            }
            string raw = expr.Substring(start, i - start);
            if (i < expr.Length) i++;
            return raw;
        }

        private static JsonNode? Typed(string v, SetMode mode)
        {
            if (mode == SetMode.String) return JsonValue.Create(v);
            if (string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(true);
            if (string.Equals(v, "false", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(false);
            if (string.Equals(v, "null", StringComparison.OrdinalIgnoreCase)) return null;
            if (v == "0") return JsonValue.Create(0L);
            if (v.Length > 1 && v[0] == '0') return JsonValue.Create(v);
            if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
            return JsonValue.Create(v);
        }

        private static List<string> SplitKey(string key)
        {
            var parts = new List<string>();
            var cur = new StringBuilder();
            for (int i = 0; i < key.Length; i++)
            {
                char c = key[i];
                if (c == '\\' && i + 1 < key.Length) { cur.Append(key[++i]); continue; }
                if (c == '.') { parts.Add(cur.ToString()); cur.Clear(); continue; }
                cur.Append(c);
            }
            parts.Add(cur.ToString());
            return parts;
        }

        private static void SetPath(JsonObject root, string key, JsonNode? value)
        {
            List<string> parts = SplitKey(key);
            JsonNode container = root;
            for (int p = 0; p < parts.Count; p++)
            {
                bool last = p == parts.Count - 1;
                string part = parts[p];
                var idx = new List<int>();
                var m = Regex.Match(part, @"^(.*?)((\[\d+\])+)$");
                string name = part;
                if (m.Success)
                {
                    name = m.Groups[1].Value;
                    foreach (Match im in Regex.Matches(m.Groups[2].Value, @"\[(\d+)\]")) idx.Add(int.Parse(im.Groups[1].Value, CultureInfo.InvariantCulture));
                }
                if (name.Length == 0 && container is JsonObject && idx.Count > 0)
                {
                    throw new SimException("key \"" + part + "\" has no name");
                }
                var obj = (JsonObject)container;
                if (idx.Count == 0)
                {
                    if (last) { obj[name] = value?.DeepClone(); return; }
                    if (!(obj[name] is JsonObject next)) { next = new JsonObject(); obj[name] = next; }
                    container = next;
                    continue;
                }
                if (!(obj[name] is JsonArray arr)) { arr = new JsonArray(); obj[name] = arr; }
                for (int k = 0; k < idx.Count; k++)
                {
                    int ix = idx[k];
                    while (arr.Count <= ix) arr.Add(null);
                    bool lastIdx = k == idx.Count - 1;
                    if (lastIdx && last) { arr[ix] = value?.DeepClone(); return; }
                    if (lastIdx)
                    {
                        if (!(arr[ix] is JsonObject no)) { no = new JsonObject(); arr[ix] = no; }
                        container = no;
                    }
                    else
                    {
                        if (!(arr[ix] is JsonArray na)) { na = new JsonArray(); arr[ix] = na; }
                        arr = na;
                    }
                }
            }
        }
    }

    /// <summary>Produces a plausible manifest and notes for a chart + values.</summary>
    public static class Renderer
    {
        private static readonly Regex Placeholder = new Regex(@"\{\{-?\s*\.(Release|Chart|Values)\.([A-Za-z0-9_.]+)\s*-?\}\}", RegexOptions.CultureInvariant);

        public static string Substitute(string text, ChartInfo chart, string release, string ns, JsonObject values, int revision)
        {
            return Placeholder.Replace(text, m =>
            {
                string scope = m.Groups[1].Value, path = m.Groups[2].Value;
                switch (scope)
                {
                    case "Release":
                        return path switch
                        {
                            "Name" => release,
                            "Namespace" => ns,
                            "Revision" => revision.ToString(CultureInfo.InvariantCulture),
                            "Service" => "Helm",
                            _ => "",
                        };
                    case "Chart":
                        return path switch
                        {
                            "Name" => chart.Name,
                            "Version" => chart.Version,
                            "AppVersion" => chart.AppVersion,
                            _ => "",
                        };
                    default:
                        JsonNode? n = values;
                        foreach (string seg in path.Split('.'))
                        {
                            n = n is JsonObject o ? o[seg] : null;
                        }
                        if (n == null) return "";
                        if (n is JsonValue v && v.TryGetValue(out string? s)) return s;
                        if (n is JsonValue) return Yaml.Emit(n).TrimEnd('\n');
                        return SimEnv.ToJson(n);
                }
            });
        }

        private static JsonNode? Get(JsonObject values, string path)
        {
            JsonNode? n = values;
            foreach (string seg in path.Split('.'))
            {
                n = n is JsonObject o ? o[seg] : null;
            }
            return n;
        }

        private static string S(JsonObject values, string path, string def)
        {
            JsonNode? n = Get(values, path);
            if (n is JsonValue v)
            {
                if (v.TryGetValue(out string? s)) return s;
                return Yaml.Emit(v).TrimEnd('\n');
            }
            return def;
        }

        public static string Manifest(ChartInfo chart, string release, string ns, JsonObject values, int revision)
        {
            var sb = new StringBuilder();
            if (chart.Templates.Count > 0)
            {
                foreach (var kv in chart.Templates)
                {
                    if (!kv.Key.EndsWith(".yaml", StringComparison.Ordinal) && !kv.Key.EndsWith(".yml", StringComparison.Ordinal)) continue;
                    string body = Substitute(kv.Value, chart, release, ns, values, revision).Trim('\n');
                    if (body.Trim().Length == 0) continue;
                    sb.Append("---\n# Source: ").Append(chart.Name).Append('/').Append(kv.Key).Append('\n').Append(body).Append('\n');
                }
                return sb.ToString();
            }
            string fullname = release.Contains(chart.Name, StringComparison.Ordinal) ? release : release + "-" + chart.Name;
            if (fullname.Length > 63) fullname = fullname.Substring(0, 63).TrimEnd('-');
            string labels =
                "    app.kubernetes.io/name: " + chart.Name + "\n" +
                "    app.kubernetes.io/instance: " + release + "\n" +
                "    app.kubernetes.io/managed-by: Helm\n" +
                "    app.kubernetes.io/version: " + Quote(chart.AppVersion) + "\n" +
                "    helm.sh/chart: " + chart.FullName + "\n";
            string registry = S(values, "image.registry", "docker.io");
            string repository = S(values, "image.repository", "library/" + chart.Name);
            string tag = S(values, "image.tag", chart.AppVersion.Length > 0 ? chart.AppVersion : "latest");
            string image = (registry.Length > 0 ? registry + "/" : "") + repository + ":" + tag;
            string port = S(values, "service.ports.http", S(values, "service.port", S(values, "containerPorts.http", "80")));
            string replicas = S(values, "replicaCount", S(values, "master.count", S(values, "primary.replicaCount", "1")));
            bool stateful = chart.Name is "redis" or "postgresql" or "mysql" or "mariadb" or "mongodb" or "rabbitmq" or "kafka";
            string kind = stateful ? "StatefulSet" : "Deployment";
            string templateFile = stateful ? (chart.Name == "redis" ? "master/application.yaml" : "primary/statefulset.yaml") : "deployment.yaml";

            sb.Append("---\n# Source: ").Append(chart.Name).Append("/templates/service.yaml\n")
              .Append("apiVersion: v1\nkind: Service\nmetadata:\n  name: ").Append(fullname).Append("\n  namespace: ").Append(ns).Append('\n')
              .Append("  labels:\n").Append(labels)
              .Append("spec:\n  type: ").Append(S(values, "service.type", "ClusterIP")).Append("\n  ports:\n    - name: tcp\n      port: ").Append(port)
              .Append("\n      targetPort: ").Append(port).Append("\n  selector:\n    app.kubernetes.io/name: ").Append(chart.Name)
              .Append("\n    app.kubernetes.io/instance: ").Append(release).Append('\n');

            string userValues = Yaml.Emit(values);
            var indented = new StringBuilder();
            foreach (string line in userValues.TrimEnd('\n').Split('\n')) indented.Append("    ").Append(line).Append('\n');
            sb.Append("---\n# Source: ").Append(chart.Name).Append("/templates/configmap.yaml\n")
              .Append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ").Append(fullname).Append("-configuration\n  namespace: ").Append(ns).Append('\n')
              .Append("  labels:\n").Append(labels)
              .Append("data:\n  values.yaml: |-\n").Append(indented);

            sb.Append("---\n# Source: ").Append(chart.Name).Append("/templates/").Append(templateFile).Append('\n')
              .Append("apiVersion: apps/v1\nkind: ").Append(kind).Append("\nmetadata:\n  name: ").Append(fullname).Append("\n  namespace: ").Append(ns).Append('\n')
              .Append("  labels:\n").Append(labels)
              .Append("spec:\n  replicas: ").Append(replicas).Append('\n');
            if (stateful) sb.Append("  serviceName: ").Append(fullname).Append('\n');
            sb.Append("  selector:\n    matchLabels:\n      app.kubernetes.io/name: ").Append(chart.Name)
              .Append("\n      app.kubernetes.io/instance: ").Append(release)
              .Append("\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: ").Append(chart.Name)
              .Append("\n        app.kubernetes.io/instance: ").Append(release)
              .Append("\n    spec:\n      containers:\n        - name: ").Append(chart.Name)
              .Append("\n          image: ").Append(image)
              .Append("\n          ports:\n            - containerPort: ").Append(port).Append('\n');
            return sb.ToString();
        }

        private static string Quote(string s) => "\"" + s.Replace("\"", "\\\"") + "\"";

        public static string Notes(ChartInfo chart, string release, string ns, JsonObject values, int revision)
        {
            if (chart.NotesTemplate.Length == 0) return "";
            return Substitute(chart.NotesTemplate, chart, release, ns, values, revision);
        }
    }
}
