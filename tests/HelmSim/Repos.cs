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
}
