using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>
    /// Faults a test injects at the API, read from &lt;dir&gt;/faults.json whenever it changes:
    /// <code>
    /// { "forbidden":   { "namespaces": ["prod"], "resources": ["deployments"], "user": "system:serviceaccount:ci:deployer" },
    ///                                        // writes refused (403); without "resources", writes of every kind
    ///   "unreachable": true,                 // every connection is dropped
    ///   "slow_writes_ms": 2000,              // each write waits first
    ///   "never_ready": ["web", "prod/db"] }  // workloads that never become ready (a real --wait timeout)
    /// </code>
    /// A namespace or name may be "*".
    /// </summary>
    internal sealed class Faults
    {
        private readonly string _path;
        private DateTime _readAt = DateTime.MinValue;
        private JsonObject _doc = new JsonObject();

        public Faults(string dir) => _path = Path.Combine(dir, "faults.json");

        private JsonObject Doc
        {
            get
            {
                lock (this)
                {
                    DateTime changed = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
                    if (changed != _readAt)
                    {
                        _readAt = changed;
                        try { _doc = changed == DateTime.MinValue ? new JsonObject() : JsonNode.Parse(File.ReadAllText(_path)) as JsonObject ?? new JsonObject(); }
                        catch (Exception e) when (e is IOException || e is System.Text.Json.JsonException) { _doc = new JsonObject(); }
                    }
                    return _doc;
                }
            }
        }

        public bool Unreachable => (bool?)Doc["unreachable"] ?? false;

        public int SlowWritesMs => (int)(ObjectStore.Number(Doc["slow_writes_ms"]) ?? 0);

        /// <summary>The user a refused write is reported for, or null when writes of <paramref name="plural"/> to <paramref name="ns"/> are allowed.</summary>
        public string? ForbiddenUser(string ns, string plural)
        {
            if (Doc["forbidden"] is not JsonObject f) return null;
            IEnumerable<string> namespaces = (f["namespaces"] as JsonArray)?.Select(n => (string?)n ?? "") ?? new[] { "*" };
            IEnumerable<string> resources = (f["resources"] as JsonArray)?.Select(n => (string?)n ?? "") ?? new[] { "*" };
            bool refused = namespaces.Any(n => n == "*" || n == ns) && resources.Any(r => r == "*" || r == plural);
            return refused ? (string?)f["user"] ?? "system:serviceaccount:default:sbkube-test" : null;
        }

        public bool NeverReady(string ns, string name) =>
            Doc["never_ready"] is JsonArray list && list.Select(n => (string?)n).Any(n => n == "*" || n == name || n == ns + "/" + name);
    }
}
