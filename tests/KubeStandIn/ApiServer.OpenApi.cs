using System.Linq;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>
    /// OpenAPI v3, only as far as clients read it: helm and kubectl look for a PATCH operation of each kind
    /// that takes fieldValidation, and having found one leave validation to the server.
    /// </summary>
    internal sealed partial class ApiServer
    {
        private JsonNode? OpenApi(string[] seg)
        {
            if (seg.Length < 2 || seg[1] != "v3") return null;
            if (seg.Length == 2)
            {
                var paths = new JsonObject();
                foreach (string gv in _catalog.GroupVersions())
                {
                    string prefix = gv.Contains('/') ? "apis/" + gv : "api/" + gv;
                    paths[prefix] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + prefix + "?hash=" + _catalog.All.Count };
                }
                return new JsonObject { ["paths"] = paths };
            }
            string asked = string.Join('/', seg.Skip(2));
            string groupVersion = asked.StartsWith("apis/") ? asked.Substring(5) : asked.StartsWith("api/") ? asked.Substring(4) : "";
            var operations = new JsonObject();
            foreach (ResourceType t in _catalog.All.Where(t => t.GroupVersion == groupVersion))
            {
                string path = "/" + asked + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural + "/{name}";
                operations[path] = new JsonObject
                {
                    ["patch"] = new JsonObject
                    {
                        ["operationId"] = "patch" + t.Kind,
                        ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
                        ["parameters"] = new JsonArray(
                            new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                            new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                            new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    },
                };
            }
            if (operations.Count == 0) return null;
            return new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.35.0" },
                ["paths"] = operations,
            };
        }
    }
}
