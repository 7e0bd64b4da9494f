using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>Turns an app of the config into the self-contained snapshot stored with its revision.</summary>
    public static class SnapshotBuilder
    {
        public static RevisionSnapshot Build(AppConfig app)
        {
            var s = new RevisionSnapshot
            {
                AppType = StoredAppType.Of(app.Type),
                ReleaseName = app.ReleaseName,
                Namespace = app.Namespace,
                Wait = app.Wait,
                Timeout = app.Timeout,
                Atomic = app.Atomic,
                CreateNamespace = app.CreateNamespace,
                HistoryMax = app.HistoryMax,
                Apply = app.Apply.Clone(),
                DependsOn = app.DependsOn.ToList(),
                Sensitive = app.Sensitive.ToList(),
                NotSensitive = app.NotSensitive.ToList(),
            };
            if (app.Type == AppType.Yaml)
            {
                foreach (string file in app.Manifests)
                {
                    s.Manifests.Add(new ManifestFile(Path.GetFileName(file), File.ReadAllText(file)));
                }
                return s;
            }

            s.Values = ValuesMerger.Merge(app.ValuesFiles.Select(YamlValues.LoadFile), app.Set);
            if (app.ChartPath != null)
            {
                // Helm deploys a chart folder as its Chart.yaml says, whatever --version: that is the version,
                // and the digest of its files makes a template change a change to deploy.
                JsonObject chart = YamlValues.LoadFile(Path.Combine(app.ChartPath, "Chart.yaml"));
                s.ChartRef = app.Chart ?? app.ChartPath;
                s.ChartPath = app.ChartPath;
                s.ChartDigest = ChartDigest.Of(app.ChartPath);
                s.ChartName = (string?)chart["name"] ?? Path.GetFileName(app.ChartPath);
                s.ChartVersion = chart["version"]?.ToString();
            }
            else
            {
                s.ChartRef = app.Chart;
                s.ChartName = ChartName(app.Chart ?? "");
                s.ChartVersion = app.Version;
                s.ChartAccess = ChartAccess.Of((ChartSource?)app.Registry ?? app.Repository);
            }
            return s;
        }

        /// <summary><c>bitnami/redis</c> → <c>redis</c>; <c>oci://host/path/chart</c> → <c>chart</c>.</summary>
        public static string ChartName(string chartRef)
        {
            string trimmed = chartRef.TrimEnd('/');
            // A chart pinned by digest (oci://host/charts/web@sha256:...) is named without it.
            int at = trimmed.IndexOf('@', trimmed.LastIndexOf('/') + 1);
            if (at > 0) trimmed = trimmed.Substring(0, at);
            int slash = trimmed.LastIndexOf('/');
            return slash >= 0 ? trimmed.Substring(slash + 1) : trimmed;
        }
    }
}
