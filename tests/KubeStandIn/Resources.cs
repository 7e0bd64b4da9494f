using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>One kind of object the stand-in serves: where it lives in the API and what discovery says of it.</summary>
    internal sealed record ResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced, string ShortNames = "")
    {
        // kubectl get all lists these.
        private static readonly HashSet<string> InAll = new HashSet<string> { "pods", "services", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers" };

        public bool InCategoryAll => Group != "apiextensions.k8s.io" && InAll.Contains(Plural);

        public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;
        public string Singular => Kind.ToLowerInvariant();
    }

    /// <summary>
    /// The built-in resources charts and Helm use, plus every CustomResourceDefinition stored since start
    /// (cert-manager-like charts install CRDs, then objects of them).
    /// </summary>
    internal sealed class ResourceCatalog
    {
        private readonly object _gate = new object();
        private readonly List<ResourceType> _types = new List<ResourceType>
        {
            new("", "v1", "Namespace", "namespaces", false, "ns"),
            new("", "v1", "Secret", "secrets", true),
            new("", "v1", "ConfigMap", "configmaps", true, "cm"),
            new("", "v1", "Service", "services", true, "svc"),
            new("", "v1", "Pod", "pods", true, "po"),
            new("", "v1", "ServiceAccount", "serviceaccounts", true, "sa"),
            new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc"),
            new("", "v1", "PersistentVolume", "persistentvolumes", false, "pv"),
            new("", "v1", "Endpoints", "endpoints", true, "ep"),
            new("", "v1", "Event", "events", true, "ev"),
            new("", "v1", "ResourceQuota", "resourcequotas", true, "quota"),
            new("", "v1", "LimitRange", "limitranges", true, "limits"),
            new("apps", "v1", "Deployment", "deployments", true, "deploy"),
            new("apps", "v1", "StatefulSet", "statefulsets", true, "sts"),
            new("apps", "v1", "DaemonSet", "daemonsets", true, "ds"),
            new("apps", "v1", "ReplicaSet", "replicasets", true, "rs"),
            new("batch", "v1", "Job", "jobs", true),
            new("batch", "v1", "CronJob", "cronjobs", true, "cj"),
            new("networking.k8s.io", "v1", "Ingress", "ingresses", true, "ing"),
            new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, "netpol"),
            new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
            new("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
            new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
            new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
            new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
            new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, "pdb"),
            new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "hpa"),
            new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, "crd,crds"),
            new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
            new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
            new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, "sc"),
        };

        public IReadOnlyList<ResourceType> All
        {
            get { lock (_gate) return _types.ToList(); }
        }

        public ResourceType? Find(string groupVersion, string plural)
        {
            lock (_gate) return _types.FirstOrDefault(t => t.GroupVersion == groupVersion && t.Plural == plural);
        }

        public IEnumerable<string> GroupVersions() => All.Select(t => t.GroupVersion).Distinct();

        /// <summary>A stored CRD makes its kind servable, as the API server does once the CRD is established.</summary>
        public void Register(JsonObject crd)
        {
            JsonNode? spec = crd["spec"];
            string? group = (string?)spec?["group"];
            string? kind = (string?)spec?["names"]?["kind"];
            string? plural = (string?)spec?["names"]?["plural"];
            bool namespaced = string.Equals((string?)spec?["scope"], "Namespaced", StringComparison.Ordinal);
            if (group == null || kind == null || plural == null || spec?["versions"] is not JsonArray versions) return;
            lock (_gate)
            {
                foreach (JsonNode? v in versions)
                {
                    string? version = (string?)v?["name"];
                    if (version == null || _types.Any(t => t.Group == group && t.Version == version && t.Plural == plural)) continue;
                    _types.Add(new ResourceType(group, version, kind, plural, namespaced));
                }
            }
        }
    }
}
