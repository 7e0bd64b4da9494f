using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace HelmSim.Tests
{
    public class ReleaseQueryTests
    {
        private static readonly Regex GoTime = new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d*[1-9])? \+0000 UTC$");

        [Fact]
        public void List_json_shape_types_and_filters()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Assert.Equal("[]\n", sim.Ok("list", "-o", "json").Out);
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0", "-n", "state-demo");
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0", "-n", "state-demo", "--set", "a=1");
            sim.Ok("upgrade", "--install", "web", "bitnami/nginx", "-n", "state-demo");
            sim.Ok("upgrade", "--install", "other", "bitnami/nginx", "-n", "elsewhere");
            sim.Ok("upgrade", "--install", "gone", "bitnami/nginx", "-n", "state-demo");
            sim.Ok("uninstall", "gone", "-n", "state-demo", "--keep-history");

            var list = (JsonArray)sim.Ok("list", "-n", "state-demo", "-o", "json").Json;
            var golden = (JsonArray)JsonNode.Parse(Sim.Golden("v4.2.4", "list-json.txt"))!;
            Assert.Equal(new[] { "redis", "web" }, list.Select(e => e!["name"]!.GetValue<string>()));
            foreach (JsonNode? e in list)
            {
                Assert.Equal(Sim.Keys(golden[0]), Sim.Keys(e));
                Assert.Equal(JsonValueKind.String, e!["revision"]!.GetValueKind());
                Assert.Matches(GoTime, e["updated"]!.GetValue<string>());
            }
            Assert.Equal("2", list[0]!["revision"]!.GetValue<string>());
            Assert.Equal("redis-18.0.0", list[0]!["chart"]!.GetValue<string>());
            Assert.Equal("7.2.0", list[0]!["app_version"]!.GetValue<string>());
            Assert.Equal("state-demo", list[0]!["namespace"]!.GetValue<string>());

            var all = (JsonArray)sim.Ok("list", "-n", "state-demo", "-a", "-o", "json").Json;
            Assert.Equal("uninstalled", all.Single(e => e!["name"]!.GetValue<string>() == "gone")!["status"]!.GetValue<string>());
            Assert.Equal(4, ((JsonArray)sim.Ok("list", "-A", "-a", "-o", "json").Json).Count);
            Assert.Equal(new[] { "web" }, ((JsonArray)sim.Ok("list", "-n", "state-demo", "--filter", "^w", "-o", "json").Json).Select(e => e!["name"]!.GetValue<string>()));
            Assert.Equal(new[] { "redis" }, ((JsonArray)sim.Ok("list", "-n", "state-demo", "--filter", "edi", "-o", "json").Json).Select(e => e!["name"]!.GetValue<string>()));
            Assert.Equal("[\"redis\",\"web\"]\n", sim.Ok("list", "-n", "state-demo", "-q", "-o", "json").Out);

            string[] table = sim.Ok("list", "-n", "state-demo").Out.TrimEnd('\n').Split('\n');
            string goldenHeader = Sim.Golden("v3.21.4", "list.txt").Split('\n')[0];
            Assert.Equal(goldenHeader.Split('\t').Select(c => c.Trim()), table[0].Split('\t').Select(c => c.Trim()));
            Assert.Equal(3, table.Length);
            int[] widths = table[0].Split('\t').Select(c => c.Length).ToArray();
            Assert.All(table, l => Assert.Equal(widths, l.Split('\t').Select(c => c.Length).ToArray()));
        }

        [Fact]
        public void Status_json_matches_golden_key_order()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--set", "a=1");
            JsonNode st = sim.Ok("status", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "name", "info", "config", "manifest", "version", "namespace" }, Sim.Keys(st));
            JsonNode golden = JsonNode.Parse(Sim.Golden("v3.21.4", "status.json"))!;
            // every golden key appears, in the same relative order
            string[] ours = Sim.Keys(st["info"]);
            string[] theirs = Sim.Keys(golden["info"]);
            Assert.Equal(theirs, ours.Where(theirs.Contains).ToArray());
            Assert.Equal(new[] { "first_deployed", "last_deployed", "deleted", "description", "status", "notes" }, ours);
            Assert.Equal("", st["info"]!["deleted"]!.GetValue<string>());
            Assert.Equal(1, st["version"]!.GetValue<int>());

            Assert.Equal("Error: release: not found", sim.Helm("status", "nope").ErrLines.Single());
            Assert.Equal("Error: release: not found", sim.Helm("status", "redis", "--revision", "9").ErrLines.Single());

            string[] table = sim.Ok("status", "redis").Out.Split('\n');
            Assert.Equal(new[] { "NAME", "LAST DEPLOYED", "NAMESPACE", "STATUS", "REVISION", "TEST SUITE", "NOTES" }, table.Take(7).Select(l => l.Split(':')[0]));
        }

        [Fact]
        public void Status_without_values_omits_config()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "web", "bitnami/nginx");
            Assert.Equal(new[] { "name", "info", "manifest", "version", "namespace" }, Sim.Keys(sim.Ok("status", "web", "-o", "json").Json));
            Assert.DoesNotContain("notes", Sim.Keys(sim.Ok("status", "web", "-o", "json").Json["info"]));
        }

        [Fact]
        public void Get_manifest_and_metadata()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "-n", "ns1");
            string m = sim.Ok("get", "manifest", "redis", "-n", "ns1").Out;
            Assert.StartsWith("---\n# Source: redis/templates/", m);
            Assert.Contains("kind: StatefulSet", m);
            Assert.Contains("namespace: ns1", m);
            JsonNode meta = sim.Ok("get", "metadata", "redis", "-n", "ns1", "-o", "json").Json;
            JsonNode golden = JsonNode.Parse(Sim.Golden("v3.21.4", "get-metadata.json"))!;
            Assert.Equal(Sim.Keys(golden).Where(k => k != "annotations" && k != "dependencies"), Sim.Keys(meta));
            Assert.Equal(1, meta["revision"]!.GetValue<int>());
            Assert.Equal("17.13.2", meta["version"]!.GetValue<string>());
        }

        [Fact]
        public void Rollback_semantics()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "--set", "v=1");
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "--set", "v=2");
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0", "--set", "v=3", "--force");
            Result r = sim.Ok("rollback", "redis", "2");
            Assert.Equal(Sim.Golden("v3.21.4", "rollback.txt"), r.Out);
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "superseded", "superseded", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            Assert.Equal("Rollback to 2", h[3]!["description"]!.GetValue<string>());
            Assert.Equal("redis-17.13.2", h[3]!["chart"]!.GetValue<string>());
            Assert.Equal("{\"v\":2}", sim.Ok("get", "values", "redis", "-o", "json").Out.Trim());
            Assert.Equal(sim.Ok("get", "manifest", "redis", "--revision", "2").Out, sim.Ok("get", "manifest", "redis").Out);

            // no revision = last - 1 (3 here), even though it was superseded
            sim.Ok("rollback", "redis");
            h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal("Rollback to 3", h[4]!["description"]!.GetValue<string>());
            Assert.Equal("redis-18.0.0", h[4]!["chart"]!.GetValue<string>());
            Assert.Equal("{\"v\":3}", sim.Ok("get", "values", "redis", "-o", "json").Out.Trim());
            sim.Ok("rollback", "redis", "0");
            Assert.Equal("{\"v\":2}", sim.Ok("get", "values", "redis", "-o", "json").Out.Trim());
            Assert.Equal("Rollback to 4", ((JsonArray)sim.Ok("history", "redis", "-o", "json").Json)[5]!["description"]!.GetValue<string>());

            Assert.Equal("Error: release has no 7 version", sim.Helm("rollback", "redis", "7").ErrLines.Single());
            Assert.Equal("Error: release: not found", sim.Helm("rollback", "nope", "1").ErrLines.Single());
            Assert.Equal("Error: could not convert revision to a number: strconv.Atoi: parsing \"abc\": invalid syntax", sim.Helm("rollback", "redis", "abc").ErrLines.Single());

            // dry-run stores nothing
            sim.Ok("rollback", "redis", "1", "--dry-run");
            Assert.Equal(6, ((JsonArray)sim.Ok("history", "redis", "-o", "json").Json).Count);
            h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(1, h.Count(e => e!["status"]!.GetValue<string>() == "deployed"));
            Assert.Equal(Sim.Golden("v3.21.4", "rollback-non-existent-version.txt").Replace("3", "9"), sim.Helm("rollback", "redis", "9").Err);
        }

        [Fact]
        public void Uninstall_with_and_without_history_and_reinstall()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Assert.Equal("Error: uninstall: Release not loaded: nope: release: not found", sim.Helm("uninstall", "nope").ErrLines.Single());

            sim.Ok("upgrade", "--install", "a", "bitnami/nginx");
            Assert.Equal("release \"a\" uninstalled\n", sim.Ok("uninstall", "a").Out);
            Assert.Equal("Error: release: not found", sim.Helm("history", "a").ErrLines.Single());

            sim.Ok("upgrade", "--install", "b", "bitnami/nginx");
            sim.Ok("upgrade", "--install", "b", "bitnami/nginx", "--set", "x=1");
            Assert.Equal("release \"b\" uninstalled\n", sim.Ok("uninstall", "b", "--keep-history").Out);
            JsonNode st = sim.Ok("status", "b", "-o", "json").Json;
            Assert.Equal("uninstalled", st["info"]!["status"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}-", st["info"]!["deleted"]!.GetValue<string>());
            Assert.Equal("[]", sim.Ok("list", "-o", "json").Out.Trim());

            Result re = sim.Ok("upgrade", "--install", "b", "bitnami/nginx");
            Assert.StartsWith("Release \"b\" does not exist. Installing it now.\n", re.Out);
            Assert.Contains("REVISION: 3", re.Out);
            var h = (JsonArray)sim.Ok("history", "b", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "superseded", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            Assert.Equal("Install complete", h[2]!["description"]!.GetValue<string>());

            sim.Ok("uninstall", "b", "--dry-run");
            Assert.Equal("deployed", sim.Ok("status", "b", "-o", "json").Json["info"]!["status"]!.GetValue<string>());
            sim.Ok("uninstall", "zzz", "--ignore-not-found");
        }

        [Fact]
        public void Unreachable_cluster()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Faults("{\"unreachable\": true}");
            const string msg = "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused";
            foreach (string[] args in new[] { new[] { "list" }, new[] { "upgrade", "--install", "r", "bitnami/redis" }, new[] { "history", "r" }, new[] { "status", "r" }, new[] { "rollback", "r" }, new[] { "uninstall", "r" } })
            {
                Result r = sim.Helm(args);
                Assert.Equal(1, r.Code);
                Assert.Equal(msg, r.ErrLines.Single());
            }
            sim.Ok("repo", "list");
            sim.Ok("version", "--short");
            sim.Faults("{}");
            Result env = sim.HelmWith(new() { ["HELMSIM_UNREACHABLE"] = "1" }, "list");
            Assert.Equal(msg, env.ErrLines.Single());
            sim.Ok("list");
        }

        [Fact]
        public void Delay_applies_to_every_call()
        {
            using var sim = new Sim();
            sim.Faults("{\"delay_ms\": 400}");
            var sw = System.Diagnostics.Stopwatch.StartNew();
            sim.Ok("list");
            Assert.True(sw.ElapsedMilliseconds >= 400, "no delay");
        }

        [Fact]
        public void Oci_and_local_chart_refs()
        {
            using var sim = new Sim();
            JsonNode j = sim.Ok("upgrade", "--install", "web", "oci://ghcr.io/example/charts/webapp", "-o", "json").Json;
            Assert.Equal("1.1.0", j["chart"]!["metadata"]!["version"]!.GetValue<string>());
            Assert.Contains("replicas: 2", j["manifest"]!.GetValue<string>());
            Assert.Contains("# Source: webapp/templates/deployment.yaml", j["manifest"]!.GetValue<string>());
            sim.Ok("upgrade", "--install", "web", "oci://ghcr.io/example/charts/webapp", "--version", "1.0.0");
            Assert.Equal("Error: ghcr.io/example/charts/webapp:9.9.9: not found", sim.Helm("upgrade", "--install", "web", "oci://ghcr.io/example/charts/webapp", "--version", "9.9.9").ErrLines.Single());

            sim.WriteFile("charts/mychart/Chart.yaml", "apiVersion: v2\nname: mychart\nversion: 0.3.0\nappVersion: \"2.0\"\n");
            sim.WriteFile("charts/mychart/values.yaml", "replicaCount: 4\n");
            JsonNode local = sim.Ok("upgrade", "--install", "mine", "./charts/mychart", "-o", "json").Json;
            Assert.Equal("mychart", local["chart"]!["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal("Error: path \"./x\" not found", sim.Helm("upgrade", "--install", "mine", "./x").ErrLines.Single());
        }
    }
}
