using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSim
{
    public static class SimEnv
    {
        private static string? home;

        public static string Home
        {
            get
            {
                if (home == null)
                {
                    string? h = Environment.GetEnvironmentVariable("HELMSIM_HOME");
                    if (string.IsNullOrEmpty(h))
                    {
                        h = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".helmsim");
                    }
                    Directory.CreateDirectory(h);
                    home = Path.GetFullPath(h);
                }
                return home;
            }
        }

        /// <summary>Current time; HELMSIM_NOW (ISO 8601) pins it for deterministic tests.</summary>
        public static DateTime Now()
        {
            string? fixedNow = Environment.GetEnvironmentVariable("HELMSIM_NOW");
            if (!string.IsNullOrEmpty(fixedNow) &&
                DateTime.TryParse(fixedNow, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t))
            {
                return DateTime.SpecifyKind(t, DateTimeKind.Utc);
            }
            return DateTime.UtcNow;
        }

        public static readonly JsonSerializerOptions CompactJson = new JsonSerializerOptions
        {
            WriteIndented = false,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public static string ToJson(JsonNode? node) => node == null ? "null" : node.ToJsonString(CompactJson);

        /// <summary>Writes a file atomically (temp file + rename).</summary>
        public static void WriteAtomic(string path, string content)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string tmp = path + ".tmp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N").Substring(0, 8);
            File.WriteAllText(tmp, content, new UTF8Encoding(false));
            File.Move(tmp, path, true);
        }

        public static bool EnvFlag(string name)
        {
            string? v = Environment.GetEnvironmentVariable(name);
            return !string.IsNullOrEmpty(v) && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase);
        }
    }
}
