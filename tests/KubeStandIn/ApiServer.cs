using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KubeStandIn
{
    /// <summary>The REST surface: discovery, the resource paths (CRUD, patch, watch) and Kubernetes' error Status objects.</summary>
    internal sealed partial class ApiServer
    {
        private readonly ObjectStore _store = new ObjectStore();
        private readonly ResourceCatalog _catalog = new ResourceCatalog();
        private readonly Faults _faults;
        private readonly string _log;

        private readonly ChartRepository? _charts;

        public ApiServer(string dir, ChartRepository? charts)
        {
            _charts = charts;
            _faults = new Faults(dir);
            _log = Path.Combine(dir, "requests.log");
            foreach (string ns in new[] { "default", "kube-system", "kube-public" })
            {
                var key = new StoredKey("", "namespaces", "", ns);
                _store.Put(key, NewMeta(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }), created: true);
            }
        }

        public async Task Handle(HttpContext ctx)
        {
            HttpRequest req = ctx.Request;
            string path = req.Path.Value ?? "/";
            lock (_log) File.AppendAllText(_log, $"{DateTime.UtcNow:HH:mm:ss.fff} {req.Method} {path}{req.QueryString} {req.ContentType} {req.Headers.UserAgent}\n");
            if (_charts != null && ChartRepository.Serves(path))
            {
                await _charts.Handle(ctx);
                return;
            }
            if (_faults.Unreachable)
            {
                ctx.Abort();
                return;
            }
            string[] seg = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                if (req.Method == "GET" && TryDiscovery(seg, out JsonNode? doc))
                {
                    if (doc == null) await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
                    else await Json(ctx, 200, doc);
                    return;
                }
                if (seg.Length >= 2 && (seg[0] == "api" || seg[0] == "apis"))
                {
                    await Resource(ctx, seg);
                    return;
                }
                await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
            }
            catch (InvalidDataException e)
            {
                await Status(ctx, 400, "BadRequest", e.Message);
            }
            catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
            {
                // A stand-in bug: logged where the test that met it can show it.
                lock (_log) File.AppendAllText(_log, $"STANDIN ERROR {e}\n");
                if (!ctx.Response.HasStarted) await Status(ctx, 500, "InternalError", "kube-standin: " + e.Message);
            }
        }

        private bool TryDiscovery(string[] seg, out JsonNode? doc)
        {
            doc = null;
            string path = string.Join('/', seg);
            switch (path)
            {
                case "version":
                    doc = new JsonObject { ["major"] = "1", ["minor"] = "35", ["gitVersion"] = "v1.35.0-standin", ["platform"] = "linux/amd64", ["goVersion"] = "go1.25" };
                    return true;
                case "healthz": case "readyz": case "livez":
                    doc = "ok";
                    return true;
                case "api":
                    doc = new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray() };
                    return true;
                case "apis":
                    var groups = new JsonArray();
                    foreach (IGrouping<string, ResourceType> g in _catalog.All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
                    {
                        var versions = new JsonArray(g.Select(t => t.Version).Distinct().Select(v => (JsonNode)new JsonObject { ["groupVersion"] = g.Key + "/" + v, ["version"] = v }).ToArray());
                        groups.Add(new JsonObject { ["name"] = g.Key, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone() });
                    }
                    doc = new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
                    return true;
            }
            string? gv = seg.Length == 2 && seg[0] == "api" ? seg[1] : seg.Length == 3 && seg[0] == "apis" ? seg[1] + "/" + seg[2] : null;
            if (seg.Length > 0 && seg[0] == "openapi")
            {
                doc = OpenApi(seg);
                return true;
            }
            if (gv == null) return false;
            var resources = new JsonArray();
            foreach (ResourceType t in _catalog.All.Where(t => t.GroupVersion == gv))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural,
                    ["singularName"] = t.Singular,
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
                    ["shortNames"] = new JsonArray(t.ShortNames.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => (JsonNode)n).ToArray()),
                    ["categories"] = t.InCategoryAll ? new JsonArray("all") : new JsonArray(),
                });
                resources.Add(new JsonObject { ["name"] = t.Plural + "/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            }
            if (resources.Count > 0) doc = new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = gv, ["resources"] = resources };
            return true;
        }

        private async Task Resource(HttpContext ctx, string[] seg)
        {
            string gv = seg[0] == "api" ? seg[1] : seg.Length >= 3 ? seg[1] + "/" + seg[2] : "";
            string[] rest = seg.Skip(seg[0] == "api" ? 2 : 3).ToArray();
            string ns = "";
            if (rest.Length >= 3 && rest[0] == "namespaces")
            {
                ns = rest[1];
                rest = rest.Skip(2).ToArray();
            }
            if (rest.Length == 0 || _catalog.Find(gv, rest[0]) is not ResourceType type)
            {
                await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
                return;
            }
            string? name = rest.Length > 1 ? rest[1] : null;
            string? sub = rest.Length > 2 ? rest[2] : null;
            if (!type.Namespaced && ns.Length > 0)
            {
                await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
                return;
            }
            IQueryCollection q = ctx.Request.Query;
            string method = ctx.Request.Method;
            if (method != "GET" && method != "HEAD")
            {
                if (_faults.ForbiddenUser(type.Namespaced ? ns : name ?? "", type.Plural) is string user)
                {
                    string verb = method switch { "POST" => "create", "PUT" => "update", "PATCH" => "patch", _ => "delete" };
                    string where = type.Namespaced ? $" in the namespace \"{ns}\"" : " at the cluster scope";
                    string subject = name == null ? type.Plural : $"{type.Plural} \"{name}\"";
                    await Status(ctx, 403, "Forbidden", $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{type.Plural}\" in API group \"{type.Group}\"{where}", type.Plural, name);
                    return;
                }
                if (_faults.SlowWritesMs > 0) await Task.Delay(_faults.SlowWritesMs, ctx.RequestAborted);
            }
            switch (method)
            {
                case "GET" when name == null && IsTrue(q["watch"]):
                    await Watch(ctx, type, ns.Length > 0 ? ns : null);
                    break;
                case "GET" when name == null:
                    await List(ctx, type, ns.Length > 0 ? ns : null);
                    break;
                case "GET":
                    JsonObject? found = _store.Get(new StoredKey(type.Group, type.Plural, ns, name!));
                    if (found == null) await NotFound(ctx, type, name!);
                    else await Json(ctx, 200, Shown(type, found));
                    break;
                case "POST" when name == null:
                    await Create(ctx, type, ns, await Body(ctx));
                    break;
                case "PUT" when name != null:
                    await Update(ctx, type, ns, name, await Body(ctx), sub);
                    break;
                case "PATCH" when name != null:
                    await Patch(ctx, type, ns, name, sub);
                    break;
                case "DELETE" when name != null:
                    JsonObject? gone = DeleteCascading(new StoredKey(type.Group, type.Plural, ns, name));
                    if (gone == null) await NotFound(ctx, type, name);
                    else await Json(ctx, 200, Shown(type, gone));
                    break;
                case "DELETE":
                    var selector = new LabelSelector(q["labelSelector"]);
                    foreach ((StoredKey key, JsonObject obj) in _store.List(type.Group, type.Plural, ns.Length > 0 ? ns : null).Where(o => selector.Matches(o.Object))) DeleteCascading(key);
                    await Json(ctx, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["metadata"] = new JsonObject() });
                    break;
                default:
                    await Status(ctx, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
                    break;
            }
        }

        private async Task List(HttpContext ctx, ResourceType type, string? ns)
        {
            var labels = new LabelSelector(ctx.Request.Query["labelSelector"]);
            var fields = new FieldSelector(ctx.Request.Query["fieldSelector"]);
            (List<(StoredKey, JsonObject)> items, long rv) = _store.Locked(() => (_store.List(type.Group, type.Plural, ns), _store.CurrentVersion));
            var array = new JsonArray(items.Select(i => i.Item2).Where(o => labels.Matches(o) && fields.Matches(o)).Select(o => (JsonNode)Shown(type, o)).ToArray());
            await Json(ctx, 200, new JsonObject
            {
                ["kind"] = type.Kind + "List",
                ["apiVersion"] = type.GroupVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
                ["items"] = array,
            });
        }

        private async Task Watch(HttpContext ctx, ResourceType type, string? ns)
        {
            IQueryCollection q = ctx.Request.Query;
            var labels = new LabelSelector(q["labelSelector"]);
            var fields = new FieldSelector(q["fieldSelector"]);
            int timeout = int.TryParse(q["timeoutSeconds"], out int t) ? Math.Min(t, 1800) : 1800;
            DateTime deadline = DateTime.UtcNow.AddSeconds(timeout);
            string rvText = q["resourceVersion"].ToString();
            bool initial = IsTrue(q["sendInitialEvents"]) || rvText.Length == 0 || rvText == "0";
            (List<(StoredKey Key, JsonObject Object)> current, long since) = _store.Locked(() => (_store.List(type.Group, type.Plural, ns), _store.CurrentVersion));
            if (!initial && long.TryParse(rvText, out long asked)) since = asked;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            bool Wanted(JsonObject o) => labels.Matches(o) && fields.Matches(o);
            if (initial)
            {
                foreach ((StoredKey _, JsonObject o) in current.Where(c => Wanted(c.Object))) await WriteEvent(ctx, "ADDED", Shown(type, o));
                if (IsTrue(q["sendInitialEvents"]))
                {
                    var mark = new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.GroupVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = since.ToString(CultureInfo.InvariantCulture), ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" } },
                    };
                    await WriteEvent(ctx, "BOOKMARK", mark);
                }
            }
            await ctx.Response.Body.FlushAsync();
            while (!ctx.RequestAborted.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                (List<WatchEvent> events, Task next) = _store.EventsAfter(since);
                foreach (WatchEvent e in events)
                {
                    since = e.ResourceVersion;
                    if (e.Key.Group != type.Group || e.Key.Plural != type.Plural || (ns != null && e.Key.Namespace != ns) || !Wanted(e.Object)) continue;
                    await WriteEvent(ctx, e.Type, Shown(type, e.Object));
                }
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                try { await next.WaitAsync(left, ctx.RequestAborted); }
                catch (TimeoutException) { break; }
                catch (OperationCanceledException) { break; }
            }
        }

        private static async Task WriteEvent(HttpContext ctx, string type, JsonObject obj)
        {
            byte[] line = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n");
            await ctx.Response.Body.WriteAsync(line, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }

        private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v == "true" || v == "1";

        private static async Task<JsonObject> Body(HttpContext ctx)
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            byte[] bytes = buffer.ToArray();
            string type = ctx.Request.ContentType ?? "";
            if (type.Contains("protobuf", StringComparison.Ordinal)) return Protobuf.Decode(bytes);
            return ParseDocument(Encoding.UTF8.GetString(bytes));
        }

        internal static JsonObject ParseDocument(string text)
        {
            string trimmed = text.TrimStart();
            if (trimmed.StartsWith('{'))
            {
                return JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("the request body is not a JSON object");
            }
            return YamlDocument.ToJson(text);
        }

        private static async Task Json(HttpContext ctx, int status, JsonNode doc)
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(doc.ToJsonString());
        }

        private static Task NotFound(HttpContext ctx, ResourceType type, string name) =>
            Status(ctx, 404, "NotFound", $"{type.Plural}{(type.Group.Length > 0 ? "." + type.Group : "")} \"{name}\" not found", type.Plural, name);

        private static Task Status(HttpContext ctx, int code, string reason, string message, string? kind = null, string? name = null, JsonArray? causes = null)
        {
            var details = new JsonObject();
            if (name != null) details["name"] = name;
            if (kind != null) details["kind"] = kind;
            if (causes != null) details["causes"] = causes;
            return Json(ctx, code, new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = message,
                ["reason"] = reason,
                ["details"] = details,
                ["code"] = code,
            });
        }
    }
}
