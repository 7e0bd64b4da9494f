using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSim
{
    /// <summary>Fault injection: $HELMSIM_HOME/faults.json (read every call) plus HELMSIM_* environment variables.</summary>
    public sealed class Faults
    {
        private readonly JsonObject file;

        private Faults(JsonObject file) { this.file = file; }

        public static string FilePath => Path.Combine(SimEnv.Home, "faults.json");

        public static Faults Load()
        {
            JsonObject o = new JsonObject();
            try
            {
                if (File.Exists(FilePath))
                {
                    string text = File.ReadAllText(FilePath);
                    if (!string.IsNullOrWhiteSpace(text) && JsonNode.Parse(text) is JsonObject parsed)
                    {
                        o = parsed;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is JsonException)
            {
                throw new SimException("helmsim: cannot read " + FilePath + ": " + e.Message);
            }
            return new Faults(o);
        }

        private static int? EnvInt(string name)
        {
            string? v = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
            {
                return i;
            }
            return null;
        }

        private int? FileInt(string key)
        {
            if (file[key] is JsonValue v)
            {
                if (v.TryGetValue(out int i)) return i;
                if (v.TryGetValue(out long l)) return (int)l;
                if (v.TryGetValue(out double d)) return (int)d;
                if (v.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p)) return p;
            }
            return null;
        }

        private bool FileBool(string key)
        {
            if (file[key] is JsonValue v)
            {
                if (v.TryGetValue(out bool b)) return b;
                if (v.TryGetValue(out int i)) return i != 0;
                if (v.TryGetValue(out string? s)) return s == "1" || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase);
            }
            return false;
        }

        public int DelayMs(string command)
        {
            if (file["delay_ms_by_command"] is JsonObject by && by[command] is JsonValue cv && cv.TryGetValue(out int ci))
            {
                return ci;
            }
            return EnvInt("HELMSIM_DELAY_MS") ?? FileInt("delay_ms") ?? 0;
        }

        public bool Unreachable => SimEnv.EnvFlag("HELMSIM_UNREACHABLE") || FileBool("unreachable");

        public int HelmMajor
        {
            get
            {
                int? v = EnvInt("HELMSIM_VERSION") ?? FileInt("version");
                if (v == null)
                {
                    string? s = Environment.GetEnvironmentVariable("HELMSIM_VERSION") ?? (file["version"] as JsonValue)?.ToString();
                    if (s != null && s.TrimStart('v').StartsWith("4", StringComparison.Ordinal)) return 4;
                }
                return v == 4 ? 4 : 3;
            }
        }

        public bool StrictNamespaces => SimEnv.EnvFlag("HELMSIM_STRICT_NAMESPACES") || FileBool("strict_namespaces");

        private static bool KeyMatches(string key, string ns, string name)
        {
            return key == name || key == ns + "/" + name || key == "*";
        }

        /// <summary>Looks for (ns, name) in a keyed fault: an object {"name": "message"} or an array ["name"].</summary>
        private static bool Find(JsonNode? node, string ns, string name, string defaultMessage, out string message, out string? matchedKey)
        {
            message = defaultMessage;
            matchedKey = null;
            if (node is JsonObject obj)
            {
                foreach (var kv in obj)
                {
                    if (KeyMatches(kv.Key, ns, name))
                    {
                        matchedKey = kv.Key;
                        string? m = kv.Value is JsonValue jv && jv.TryGetValue(out string? s) ? s : null;
                        if (!string.IsNullOrEmpty(m)) message = m;
                        return true;
                    }
                }
            }
            else if (node is JsonArray arr)
            {
                foreach (JsonNode? item in arr)
                {
                    string? k = item is JsonValue jv && jv.TryGetValue(out string? s) ? s : null;
                    if (k != null && KeyMatches(k, ns, name))
                    {
                        matchedKey = k;
                        return true;
                    }
                }
            }
            else if (node is JsonValue single && single.TryGetValue(out string? sv) && KeyMatches(sv, ns, name))
            {
                matchedKey = sv;
                return true;
            }
            return false;
        }

        private static bool FindEnv(string variable, string ns, string name, string defaultMessage, out string message)
        {
            message = defaultMessage;
            string? v = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(v)) return false;
            foreach (string part in v.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = part.IndexOf('=');
                string key = eq < 0 ? part.Trim() : part.Substring(0, eq).Trim();
                if (KeyMatches(key, ns, name))
                {
                    if (eq >= 0 && eq < part.Length - 1) message = part.Substring(eq + 1);
                    return true;
                }
            }
            return false;
        }

        /// <summary>Removes a consumed once-only fault entry from faults.json (caller need not hold the state lock).</summary>
        public static void Consume(string faultKey, string matchedKey)
        {
            using (FileLock.Acquire(Path.Combine(SimEnv.Home, ".faults.lock")))
            {
                if (!File.Exists(FilePath)) return;
                JsonObject? o;
                try { o = JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject; }
                catch (JsonException) { return; }
                if (o == null) return;
                JsonNode? node = o[faultKey];
                if (node is JsonObject obj)
                {
                    obj.Remove(matchedKey);
                }
                else if (node is JsonArray arr)
                {
                    for (int i = 0; i < arr.Count; i++)
                    {
                        if (arr[i] is JsonValue jv && jv.TryGetValue(out string? s) && s == matchedKey)
                        {
                            arr.RemoveAt(i);
                            break;
                        }
                    }
                }
                else
                {
                    o.Remove(faultKey);
                }
                SimEnv.WriteAtomic(FilePath, o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
        }

        /// <summary>A keyed fault: persistent key (never consumed), once key (consumed), env variable.</summary>
        public bool Take(string? persistentKey, string? onceKey, string? envVar, string ns, string name, string defaultMessage, out string message)
        {
            if (envVar != null && FindEnv(envVar, ns, name, defaultMessage, out message)) return true;
            if (persistentKey != null && Find(file[persistentKey], ns, name, defaultMessage, out message, out _)) return true;
            if (onceKey != null && Find(file[onceKey], ns, name, defaultMessage, out message, out string? mk))
            {
                Consume(onceKey, mk!);
                return true;
            }
            message = defaultMessage;
            return false;
        }

        public bool Contains(string key, string ns, string name)
        {
            return Find(file[key], ns, name, "", out _, out _);
        }
    }
}
