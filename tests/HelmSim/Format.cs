using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace HelmSim
{
    public static class Fmt
    {
        private static string Fraction(DateTime t)
        {
            long ticks = t.Ticks % TimeSpan.TicksPerSecond;
            if (ticks == 0) return "";
            // ticks are 100ns: 7 digits; Go prints up to 9 (nanoseconds), trailing zeros trimmed
            string s = (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
            return "." + s;
        }

        /// <summary>RFC 3339 with trimmed fractional seconds (Go RFC3339Nano), UTC.</summary>
        public static string Rfc3339(DateTime t)
        {
            if (t == default) return "";
            t = t.ToUniversalTime();
            return t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(t) + "Z";
        }

        /// <summary>Go time.Time.String(): 2025-10-24 12:00:00.123456789 +0000 UTC.</summary>
        public static string GoString(DateTime t)
        {
            t = t.ToUniversalTime();
            return t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(t) + " +0000 UTC";
        }

        /// <summary>Go ANSIC layout: Mon Jan _2 15:04:05 2006.</summary>
        public static string Ansic(DateTime t)
        {
            t = t.ToUniversalTime();
            return t.ToString("ddd MMM ", CultureInfo.InvariantCulture) + t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + t.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        }

        /// <summary>gosuri/uitable layout: every cell padded to its column width, columns joined by TAB.</summary>
        public static string Table(List<string[]> rows, int maxColWidth = 0)
        {
            if (rows.Count == 0) return "";
            int cols = rows.Max(r => r.Length);
            var cells = rows.Select(r => r.Select(c => maxColWidth > 0 && c.Length > maxColWidth ? c.Substring(0, maxColWidth - 3) + "..." : c).ToArray()).ToList();
            var widths = new int[cols];
            foreach (string[] r in cells)
            {
                for (int i = 0; i < r.Length; i++) widths[i] = Math.Max(widths[i], r[i].Length);
            }
            var sb = new StringBuilder();
            for (int ri = 0; ri < cells.Count; ri++)
            {
                string[] r = cells[ri];
                for (int i = 0; i < cols; i++)
                {
                    if (i > 0) sb.Append('\t');
                    sb.Append((i < r.Length ? r[i] : "").PadRight(widths[i]));
                }
                sb.Append('\n');
            }
            return sb.ToString();
        }

        private static JsonNode? TimeNode(DateTime t) => JsonValue.Create(Rfc3339(t));

        /// <summary>The release object as Helm prints it with -o json (Go omitempty rules).</summary>
        public static JsonObject ReleaseJson(Release r, bool includeChart, bool v4)
        {
            var info = new JsonObject();
            if (!v4 || r.FirstDeployed != default) info["first_deployed"] = TimeNode(r.FirstDeployed);
            if (!v4 || r.LastDeployed != default) info["last_deployed"] = TimeNode(r.LastDeployed);
            if (!v4 || r.Deleted != default) info["deleted"] = TimeNode(r.Deleted);
            if (r.Description.Length > 0) info["description"] = r.Description;
            if (r.Status.Length > 0) info["status"] = r.Status;
            if (r.Notes.Length > 0) info["notes"] = r.Notes;

            var o = new JsonObject { ["name"] = r.Name, ["info"] = info };
            if (includeChart)
            {
                var meta = new JsonObject { ["name"] = r.Chart.Name, ["version"] = r.Chart.Version };
                if (r.Chart.Description.Length > 0) meta["description"] = r.Chart.Description;
                meta["apiVersion"] = r.Chart.ApiVersion;
                if (r.Chart.AppVersion.Length > 0) meta["appVersion"] = r.Chart.AppVersion;
                if (r.Chart.Type.Length > 0) meta["type"] = r.Chart.Type;
                var templates = new JsonArray();
                foreach (var kv in r.Chart.Templates)
                {
                    templates.Add(new JsonObject { ["name"] = kv.Key, ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value)) });
                }
                o["chart"] = new JsonObject
                {
                    ["metadata"] = meta,
                    ["lock"] = null,
                    ["templates"] = templates,
                    ["values"] = r.Chart.Values.DeepClone(),
                    ["schema"] = null,
                    ["files"] = new JsonArray(),
                };
            }
            if (r.Config != null && r.Config.Count > 0) o["config"] = r.Config.DeepClone();
            if (r.Manifest.Length > 0) o["manifest"] = r.Manifest;
            if (r.Version != 0) o["version"] = r.Version;
            if (r.Namespace.Length > 0) o["namespace"] = r.Namespace;
            return o;
        }

        /// <summary>Helm's status printer (table form).</summary>
        public static string StatusTable(Release r, bool v4, bool showDesc, bool showManifest)
        {
            var sb = new StringBuilder();
            sb.Append("NAME: ").Append(r.Name).Append('\n');
            if (r.LastDeployed != default) sb.Append("LAST DEPLOYED: ").Append(Ansic(r.LastDeployed)).Append('\n');
            sb.Append("NAMESPACE: ").Append(r.Namespace).Append('\n');
            sb.Append("STATUS: ").Append(r.Status).Append('\n');
            sb.Append("REVISION: ").Append(r.Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
            if (v4 || (showDesc && r.Description.Length > 0)) sb.Append("DESCRIPTION: ").Append(r.Description).Append('\n');
            sb.Append("TEST SUITE: None\n");
            if (showManifest)
            {
                sb.Append("HOOKS:\nMANIFEST:\n").Append(r.Manifest).Append('\n');
            }
            if (r.Notes.Length > 0) sb.Append("NOTES:\n").Append(r.Notes.Trim()).Append('\n');
            return sb.ToString();
        }
    }
}
