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
