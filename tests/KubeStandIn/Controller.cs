using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>
    /// What the cluster's controllers would do to a workload once it is written: its status says ready
    /// (the fields Helm 3's --wait and Helm 4's kstatus read), a Deployment gets the ReplicaSet Helm 3 looks
    /// for, a claim is bound, a Job completes. A workload named in the never_ready fault stays unready.
    /// </summary>
    internal static class Controller
    {
        public static void Reconcile(ObjectStore store, StoredKey key, JsonObject obj, Faults faults)
        {
            string name = key.Name;
            bool ready = !faults.NeverReady(key.Namespace, name);
            long generation = ObjectStore.Number(obj["metadata"]?["generation"]) ?? 1;
            int replicas = (int)(ObjectStore.Number(obj["spec"]?["replicas"]) ?? 1);
            int readyCount = ready ? replicas : 0;
            Default(key, obj);
            switch (key.Group + "/" + key.Plural)
            {
                case "apps/deployments":
                    obj["status"] = new JsonObject
                    {
                        ["observedGeneration"] = generation,
                        ["replicas"] = replicas,
                        ["updatedReplicas"] = replicas,
                        ["readyReplicas"] = readyCount,
                        ["availableReplicas"] = readyCount,
                        ["unavailableReplicas"] = replicas - readyCount,
                        ["conditions"] = new JsonArray(
                            Condition("Available", ready, ready ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                            Condition("Progressing", true, ready ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")),
                    };
                    WriteReplicaSet(store, key, obj, replicas, readyCount);
                    break;
                case "apps/replicasets":
                    obj["status"] ??= new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = readyCount, ["availableReplicas"] = readyCount, ["observedGeneration"] = generation };
                    break;
                case "apps/statefulsets":
                    string revision = name + "-" + Hash(obj["spec"]?["template"]);
                    obj["status"] = new JsonObject
                    {
                        ["observedGeneration"] = generation,
                        ["replicas"] = replicas,
                        ["readyReplicas"] = readyCount,
                        ["currentReplicas"] = replicas,
                        ["updatedReplicas"] = replicas,
                        ["availableReplicas"] = readyCount,
                        ["currentRevision"] = revision,
                        ["updateRevision"] = revision,
                    };
                    break;
                case "apps/daemonsets":
                    obj["status"] = new JsonObject
                    {
                        ["observedGeneration"] = generation,
                        ["desiredNumberScheduled"] = 1,
                        ["currentNumberScheduled"] = 1,
                        ["updatedNumberScheduled"] = 1,
                        ["numberAvailable"] = ready ? 1 : 0,
                        ["numberReady"] = ready ? 1 : 0,
                        ["numberMisscheduled"] = 0,
                    };
                    break;
                case "batch/jobs":
                    string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                    obj["status"] = ready
                        ? new JsonObject { ["succeeded"] = 1, ["startTime"] = now, ["completionTime"] = now, ["conditions"] = new JsonArray(Condition("Complete", true, "Completed")) }
                        : new JsonObject { ["active"] = 1, ["startTime"] = now };
                    break;
                case "/persistentvolumeclaims":
                    obj["status"] = new JsonObject { ["phase"] = ready ? "Bound" : "Pending" };
                    break;
                case "/pods":
                    obj["status"] = new JsonObject
                    {
                        ["phase"] = ready ? "Running" : "Pending",
                        ["conditions"] = new JsonArray(Condition("Ready", ready, ready ? "" : "ContainersNotReady")),
                    };
                    break;
                case "/services":
                    if ((string?)obj["spec"]?["type"] == "LoadBalancer" && ready)
                        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }) } };
                    break;
            }
        }

        // The API server's defaults that readiness checks read (Helm 3 waits for a StatefulSet only when it rolls).
        private static void Default(StoredKey key, JsonObject obj)
        {
            if (obj["spec"] is not JsonObject spec) return;
            if (key.Group == "apps" && key.Plural == "statefulsets")
                spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
            if (key.Group == "apps" && key.Plural == "deployments")
                spec["strategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" } };
        }

        private static JsonObject Condition(string type, bool status, string reason) => new JsonObject
        {
            ["type"] = type,
            ["status"] = status ? "True" : "False",
            ["reason"] = reason,
            ["lastTransitionTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };

        // Helm 3 finds a Deployment's new ReplicaSet by owner and by a pod template equal to the Deployment's.
        private static void WriteReplicaSet(ObjectStore store, StoredKey deployment, JsonObject obj, int replicas, int ready)
        {
            if (obj["spec"]?["template"] is not JsonObject template) return;
            string hash = Hash(template);
            var rsTemplate = (JsonObject)template.DeepClone();
            if (ObjectStore.Meta(rsTemplate)["labels"] is not JsonObject labels) ObjectStore.Meta(rsTemplate)["labels"] = labels = new JsonObject();
            labels["pod-template-hash"] = hash;
            var selector = obj["spec"]?["selector"]?.DeepClone() as JsonObject ?? new JsonObject();
            if (selector["matchLabels"] is JsonObject match) match["pod-template-hash"] = hash;
            var key = new StoredKey("apps", "replicasets", deployment.Namespace, deployment.Name + "-" + hash);
            JsonObject? existing = store.Get(key);
            var rs = new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = key.Name,
                    ["namespace"] = key.Namespace,
                    ["uid"] = (string?)existing?["metadata"]?["uid"] ?? Guid.NewGuid().ToString(),
                    ["creationTimestamp"] = (string?)existing?["metadata"]?["creationTimestamp"] ?? DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["generation"] = 1,
                    ["labels"] = labels.DeepClone(),
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1",
                        ["kind"] = "Deployment",
                        ["name"] = deployment.Name,
                        ["uid"] = (string?)obj["metadata"]?["uid"],
                        ["controller"] = true,
                        ["blockOwnerDeletion"] = true,
                    }),
                },
                ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = rsTemplate },
                ["status"] = new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = ready, ["availableReplicas"] = ready, ["fullyLabeledReplicas"] = replicas, ["observedGeneration"] = 1 },
            };
            store.Put(key, rs, created: existing == null);
        }

        private static string Hash(JsonNode? node)
        {
            byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? ""));
            const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
            return new string(digest.Take(10).Select(b => alphabet[b % alphabet.Length]).ToArray());
        }
    }
}
