using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>One difference between two revisions.</summary>
    public sealed class RevisionDifference
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public int ReferenceRevision { get; set; }
        public int DifferenceRevision { get; set; }
        /// <summary><c>chart</c>, <c>version</c>, or <c>values.a.b</c> / <c>values.list[0]</c>.</summary>
        public string Path { get; set; } = "";
        public object? Reference { get; set; }
        public object? Difference { get; set; }
        /// <summary>The value is a secret: shown masked (with its fingerprint) unless -ShowSecrets.</summary>
        public bool Sensitive { get; set; }

        public override string ToString() => $"{Path}: {Reference} → {Difference}";
    }

    /// <summary>Compares chart, version, values (and manifests) of two revisions, secrets masked alike.</summary>
    public static class RevisionComparer
    {
        public static IReadOnlyList<RevisionDifference> Compare(DeploymentRecord reference, DeploymentRecord difference,
            SecretRedactor redactor, bool showSecrets)
        {
            RevisionSnapshot a = RevisionSnapshot.FromJson(reference.Config ?? "{}");
            RevisionSnapshot b = RevisionSnapshot.FromJson(difference.Config ?? "{}");
            var list = new List<RevisionDifference>();
            void Add(string path, JsonNode? x, JsonNode? y, bool sensitive) => list.Add(new RevisionDifference
            {
                Sensitive = sensitive,
                Namespace = reference.Namespace,
                App = reference.App,
                ReferenceRevision = reference.Revision,
                DifferenceRevision = difference.Revision,
                Path = path,
                Reference = JsonPlain.ToPlain(x),
                Difference = JsonPlain.ToPlain(y),
            });
            if (a.ChartRef != b.ChartRef) Add("chart", a.ChartRef, b.ChartRef, false);
            if (a.ChartVersion != b.ChartVersion) Add("version", a.ChartVersion, b.ChartVersion, false);
            JsonNode? va = redactor.Redact(a.Values, a.Rules);
            JsonNode? vb = redactor.Redact(b.Values, b.Rules);
            // The originals are compared, so a changed secret shows even where its mask carries no fingerprint.
            Walk("values", a.Values, b.Values, va, vb, (path, x, y, shownX, shownY) =>
                Add(path, showSecrets ? x : shownX, showSecrets ? y : shownY, !JsonNode.DeepEquals(x, shownX) || !JsonNode.DeepEquals(y, shownY)));
            if (ManifestComparer.TryCompare(a.Manifests, b.Manifests, redactor, showSecrets, (path, x, y, sensitive) => Add(path, x, y, sensitive)))
            {
                return list;
            }
            // Manifests that are not plain Kubernetes objects are compared per file, as text.
            var ma = a.Manifests.ToDictionary(m => m.File, m => m.Content);
            var mb = b.Manifests.ToDictionary(m => m.File, m => m.Content);
            foreach (string file in ma.Keys.Union(mb.Keys).OrderBy(f => f))
            {
                ma.TryGetValue(file, out string? ca);
                mb.TryGetValue(file, out string? cb);
                if (ca != cb)
                {
                    // Compared as stored, shown masked: a changed Secret value still shows as a change.
                    string? sa = Masked(ca), sb = Masked(cb);
                    Add("manifests." + file, showSecrets ? ca : sa, showSecrets ? cb : sb, sa != ca || sb != cb);
                }
            }
            string? Masked(string? content) => content == null ? null : redactor.RedactManifest(content);
            return list;
        }

        /// <summary>Reports (path, a, b, shown a, shown b) for every leaf that differs; an empty root path joins no dot.</summary>
        internal static void Walk(string path, JsonNode? a, JsonNode? b, JsonNode? shownA, JsonNode? shownB,
            System.Action<string, JsonNode?, JsonNode?, JsonNode?, JsonNode?> add)
        {
            if (a is JsonObject oa && b is JsonObject ob)
            {
                foreach (string key in oa.Select(p => p.Key).Concat(ob.Select(p => p.Key).Where(k => !oa.ContainsKey(k))))
                {
                    Walk(path.Length == 0 ? key : path + "." + key, oa[key], ob[key], shownA?[key], shownB?[key], add);
                }
                return;
            }
            if (a is JsonArray la && b is JsonArray lb)
            {
                for (int i = 0; i < Math.Max(la.Count, lb.Count); i++)
                {
                    Walk($"{path}[{i}]", i < la.Count ? la[i] : null, i < lb.Count ? lb[i] : null,
                        Item(shownA, i), Item(shownB, i), add);
                }
                return;
            }
            if (!JsonNode.DeepEquals(a, b))
            {
                add(path, a, b, shownA, shownB);
            }
        }

        private static JsonNode? Item(JsonNode? list, int i) => list is JsonArray a && i < a.Count ? a[i] : null;
    }
}
