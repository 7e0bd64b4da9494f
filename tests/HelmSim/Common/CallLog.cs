using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace HelmSim
{
    /// <summary>$HELMSIM_HOME/calls.log: one JSON line per invocation.</summary>
    public static class CallLog
    {
        public static string[] Redact(string[] argv)
        {
            var result = new string[argv.Length];
            for (int i = 0; i < argv.Length; i++)
            {
                string a = argv[i];
                if (i > 0 && (argv[i - 1] == "--password" || argv[i - 1] == "--pass"))
                {
                    result[i] = "***";
                }
                else if (a.StartsWith("--password=", StringComparison.Ordinal))
                {
                    result[i] = "--password=***";
                }
                else
                {
                    result[i] = a;
                }
            }
            return result;
        }

        public static string Iso(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static void Write(string tool, DateTime start, DateTime end, int exitCode, string[] argv)
        {
            try
            {
                var o = new JsonObject
                {
                    ["tool"] = tool,
                    ["pid"] = Environment.ProcessId,
                    ["start"] = Iso(start),
                    ["end"] = Iso(end),
                    ["exit"] = exitCode,
                };
                var arr = new JsonArray();
                foreach (string a in Redact(argv))
                {
                    arr.Add(a);
                }
                o["argv"] = arr;
                byte[] line = Encoding.UTF8.GetBytes(SimEnv.ToJson(o) + "\n");
                string path = Path.Combine(SimEnv.Home, "calls.log");
                using (FileLock.Acquire(Path.Combine(SimEnv.Home, ".calls.lock"), 20000))
                using (var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
                {
                    fs.Write(line, 0, line.Length);
                }
            }
            catch (Exception)
            {
                // logging must never change the outcome of a call
            }
        }
    }
}
