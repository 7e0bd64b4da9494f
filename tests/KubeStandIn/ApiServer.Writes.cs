using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KubeStandIn
{
    /// <summary>Create, update, patch (merge, strategic, server-side apply) and cascading delete.</summary>
    internal sealed partial class ApiServer
    {
        private async Task Create(HttpContext ctx, ResourceType type, string ns, JsonObject obj)
        {
            JsonObject meta = ObjectStore.Meta(obj);
            string? name = (string?)meta["name"];
            if (string.IsNullOrEmpty(name) && (string?)meta["generateName"] is string prefix) meta["name"] = name = prefix + Guid.NewGuid().ToString("N").Substring(0, 5);
            if (string.IsNullOrEmpty(name))
            {
                await Status(ctx, 422, "Invalid", $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required", type.Plural);
                return;
            }
            if (await WrongNamespace(ctx, type, ns, meta)) return;
            var key = new StoredKey(type.Group, type.Plural, ns, name!);
            bool dryRun = ctx.Request.Query["dryRun"] == "All";
            string manager = Manager(ctx);
            JsonObject? stored = _store.Locked(() =>
            {
                if (_store.Get(key) != null) return null;
                Prepare(type, ns, obj, null);
                Controller.Reconcile(_store, key, obj, _faults);
                if (dryRun) return obj;
                _store.OwnersOf(key).RecordUpdate(manager, null, obj);
                if (type.Plural == "customresourcedefinitions") _catalog.Register(obj);
                return _store.Put(key, obj, created: true);
            });
            if (stored == null) await Status(ctx, 409, "AlreadyExists", $"{Qualified(type)} \"{name}\" already exists", type.Plural, name);
            else await Json(ctx, 201, Shown(type, stored));
        }

        private async Task Update(HttpContext ctx, ResourceType type, string ns, string name, JsonObject obj, string? sub)
        {
            var key = new StoredKey(type.Group, type.Plural, ns, name);
            string manager = Manager(ctx);
            bool dryRun = ctx.Request.Query["dryRun"] == "All";
            int outcome = 0;
            JsonObject? stored = _store.Locked(() =>
            {
                JsonObject? live = _store.Get(key);
                if (live == null) { outcome = 404; return null; }
                string? asked = (string?)obj["metadata"]?["resourceVersion"];
                if (!string.IsNullOrEmpty(asked) && asked != (string?)live["metadata"]?["resourceVersion"]) { outcome = 409; return null; }
                if (sub == "status")
                {
                    JsonObject withStatus = (JsonObject)live.DeepClone();
                    withStatus["status"] = obj["status"]?.DeepClone();
                    obj = withStatus;
                }
                Prepare(type, ns, obj, live);
                if (sub != "status") Controller.Reconcile(_store, key, obj, _faults);
                if (dryRun) return obj;
                _store.OwnersOf(key).RecordUpdate(manager, live, obj);
                return _store.Put(key, obj, created: false);
            });
            if (outcome == 404) await NotFound(ctx, type, name);
            else if (outcome == 409)
                await Status(ctx, 409, "Conflict", $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", type.Plural, name);
            else await Json(ctx, 200, Shown(type, stored!));
        }

        private async Task Patch(HttpContext ctx, ResourceType type, string ns, string name, string? sub)
        {
            string contentType = ctx.Request.ContentType ?? "";
            bool apply = contentType.StartsWith("application/apply-patch", StringComparison.Ordinal);
            if (!apply && !contentType.Contains("merge-patch", StringComparison.Ordinal))
            {
                await Status(ctx, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/strategic-merge-patch+json, application/merge-patch+json, application/apply-patch+yaml");
                return;
            }
            JsonObject patch = await Body(ctx);
            var key = new StoredKey(type.Group, type.Plural, ns, name);
            string manager = apply ? ctx.Request.Query["fieldManager"].ToString() : Manager(ctx);
            if (apply && manager.Length == 0)
            {
                await Status(ctx, 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                return;
            }
            if (apply && await WrongNamespace(ctx, type, ns, ObjectStore.Meta(patch))) return;
            bool force = ctx.Request.Query["force"] == "true";
            bool dryRun = ctx.Request.Query["dryRun"] == "All";
            string? conflict = null;
            bool created = false;
            JsonObject? stored = _store.Locked(() =>
            {
                JsonObject? live = _store.Get(key);
                if (live == null && !apply) return null;
                FieldOwners owners = dryRun ? _store.OwnersOf(key).Clone() : _store.OwnersOf(key);
                JsonObject result;
                if (apply)
                {
                    (JsonObject? merged, var conflicts) = owners.Apply(manager, live, patch, force);
                    if (merged == null)
                    {
                        conflict = ConflictMessage(type, conflicts);
                        return null;
                    }
                    result = merged;
                    ObjectStore.Meta(result)["name"] = name;
                }
                else
                {
                    result = (JsonObject)(contentType.Contains("strategic", StringComparison.Ordinal) ? Patches.StrategicMerge(live, patch) : Patches.MergePatch(live, patch))!;
                }
                created = live == null;
                Prepare(type, ns, result, live);
                if (sub != "status") Controller.Reconcile(_store, key, result, _faults);
                if (dryRun) return result;
                if (!apply) owners.RecordUpdate(manager, live, result);
                if (type.Plural == "customresourcedefinitions") _catalog.Register(result);
                return _store.Put(key, result, created);
            });
            if (conflict != null) await Status(ctx, 409, "Conflict", conflict, type.Plural, name);
            else if (stored == null) await NotFound(ctx, type, name);
            else await Json(ctx, created ? 201 : 200, Shown(type, stored));
        }

        private static string ConflictMessage(ResourceType type, System.Collections.Generic.List<(string Manager, string Path)> conflicts)
        {
            if (conflicts.Count == 1)
                return $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\" using {type.GroupVersion}: {FieldOwners.Display(conflicts[0].Path)}";
            var lines = conflicts.GroupBy(c => c.Manager).Select(g => $"conflicts with \"{g.Key}\" using {type.GroupVersion}:\n" + string.Join("\n", g.Select(c => "- " + FieldOwners.Display(c.Path))));
            return $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", lines);
        }

        /// <summary>The identity fields the server owns: uid, creation time, generation (bumped when the spec changes).</summary>
        private static int _nextServiceIp;

        private static void Prepare(ResourceType type, string ns, JsonObject obj, JsonObject? live)
        {
            obj["apiVersion"] = type.GroupVersion;
            obj["kind"] = type.Kind;
            JsonObject meta = ObjectStore.Meta(obj);
            if (type.Namespaced) meta["namespace"] = ns;
            meta.Remove("managedFields");
            if (type.Plural == "services" && type.Group.Length == 0 && obj["spec"] is JsonObject spec && (string?)spec["type"] != "ExternalName" && spec["clusterIP"] == null)
            {
                // Allocated once, kept by later writes that leave it out (Helm 3's --wait needs one).
                spec["clusterIP"] = live?["spec"]?["clusterIP"]?.DeepClone() ?? $"10.96.{Interlocked.Increment(ref _nextServiceIp) / 250 % 250}.{_nextServiceIp % 250 + 1}";
                spec["clusterIPs"] = new JsonArray((string?)spec["clusterIP"]);
            }
            if (live == null)
            {
                NewMeta(obj);
                return;
            }
            JsonNode? liveMeta = live["metadata"];
            meta["uid"] = liveMeta?["uid"]?.DeepClone();
            meta["creationTimestamp"] = liveMeta?["creationTimestamp"]?.DeepClone();
            long generation = ObjectStore.Number(liveMeta?["generation"]) ?? 1;
            meta["generation"] = SpecOf(live) == SpecOf(obj) ? generation : generation + 1;
        }

        private static string SpecOf(JsonObject obj) =>
            new JsonObject(obj.Where(p => p.Key != "metadata" && p.Key != "status").Select(p => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone()))).ToJsonString();

        private static JsonObject NewMeta(JsonObject obj)
        {
            JsonObject meta = ObjectStore.Meta(obj);
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            meta["generation"] = 1;
            return obj;
        }

        private async Task<bool> WrongNamespace(HttpContext ctx, ResourceType type, string ns, JsonObject meta)
        {
            string? given = (string?)meta["namespace"];
            if (type.Namespaced && !string.IsNullOrEmpty(given) && given != ns)
            {
                await Status(ctx, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
                return true;
            }
            if (type.Namespaced && _store.Get(new StoredKey("", "namespaces", "", ns)) == null)
            {
                await Status(ctx, 404, "NotFound", $"namespaces \"{ns}\" not found", "namespaces", ns);
                return true;
            }
            return false;
        }

        /// <summary>Deletes an object and, as the garbage collector would, what it owns (and a namespace's contents).</summary>
        private JsonObject? DeleteCascading(StoredKey key) => _store.Locked(() =>
        {
            JsonObject? gone = _store.Delete(key);
            if (gone == null) return null;
            string? uid = (string?)gone["metadata"]?["uid"];
            foreach (ResourceType t in _catalog.All.Where(t => t.Namespaced))
            {
                foreach ((StoredKey k, JsonObject o) in _store.List(t.Group, t.Plural, null))
                {
                    bool owned = o["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r?["uid"] == uid);
                    if (owned || (key.Plural == "namespaces" && key.Group.Length == 0 && k.Namespace == key.Name)) DeleteCascading(k);
                }
            }
            return gone;
        });

        private JsonObject Shown(ResourceType type, JsonObject obj)
        {
            var shown = (JsonObject)obj.DeepClone();
            shown["apiVersion"] = type.GroupVersion;
            shown["kind"] = type.Kind;
            JsonObject meta = ObjectStore.Meta(shown);
            var key = new StoredKey(type.Group, type.Plural, (string?)meta["namespace"] ?? "", (string?)meta["name"] ?? "");
            JsonArray managed = _store.OwnersOf(key).ToManagedFields(type.GroupVersion);
            if (managed.Count > 0) meta["managedFields"] = managed;
            return shown;
        }

        private static string Qualified(ResourceType type) => type.Group.Length == 0 ? type.Plural : type.Plural + "." + type.Group;

        // The API server names an unnamed writer after its user agent ("helm/v4.1.4 (linux/amd64) ..." -> "helm").
        private static string Manager(HttpContext ctx)
        {
            string given = ctx.Request.Query["fieldManager"].ToString();
            if (given.Length > 0) return given;
            string agent = ctx.Request.Headers.UserAgent.ToString();
            int slash = agent.IndexOf('/');
            return slash > 0 ? agent.Substring(0, slash) : agent.Length > 0 ? agent : "unknown";
        }
    }
}
