using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace HelmSim.Tests
{
    public class UpgradeTests
    {
        private static readonly Regex Rfc3339 = new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$");

        [Fact]
        public void Install_json_has_helm_key_order_and_types()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result r = sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "-n", "state-demo", "--create-namespace",
                "--set", "auth.password=secret,master.count=2", "--set", "auth.enabled=false", "-o", "json");
            Assert.EndsWith("}\n", r.Out);
            Assert.Equal(1, r.Out.Count(c => c == '\n'));
            JsonNode j = r.Json;
            Assert.Equal(new[] { "name", "info", "chart", "config", "manifest", "version", "namespace" }, Sim.Keys(j));
            Assert.Equal(new[] { "first_deployed", "last_deployed", "deleted", "description", "status", "notes" }, Sim.Keys(j["info"]));
            Assert.Equal("", j["info"]!["deleted"]!.GetValue<string>());
            Assert.Matches(Rfc3339, j["info"]!["last_deployed"]!.GetValue<string>());
            Assert.Equal("Install complete", j["info"]!["description"]!.GetValue<string>());
            Assert.Equal("deployed", j["info"]!["status"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Number, j["version"]!.GetValueKind());
            Assert.Equal(1, j["version"]!.GetValue<int>());
            Assert.Equal("state-demo", j["namespace"]!.GetValue<string>());
            var meta = j["chart"]!["metadata"]!;
            Assert.Equal("redis", meta["name"]!.GetValue<string>());
            Assert.Equal("17.13.2", meta["version"]!.GetValue<string>());
            Assert.Equal("7.0.12", meta["appVersion"]!.GetValue<string>());
            Assert.Equal(new[] { "metadata", "lock", "templates", "values", "schema", "files" }, Sim.Keys(j["chart"]));
            Assert.Equal("{\"auth\":{\"password\":\"secret\",\"enabled\":false},\"master\":{\"count\":2}}", j["config"]!.ToJsonString());
            Assert.StartsWith("---\n# Source: redis/templates/", j["manifest"]!.GetValue<string>());
        }

        [Fact]
        public void Install_then_upgrade_table_output_matches_golden_layout()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result install = sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2");
            string[] lines = install.Out.Split('\n');
            Assert.Equal("Release \"redis\" does not exist. Installing it now.", lines[0]);
            string[] golden = Sim.Golden("v3.21.4", "install.txt").Split('\n');
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(golden[i].Split(':')[0], lines[i + 1].Split(':')[0]);
            }
            Assert.Equal("NAME: redis", lines[1]);
            Assert.Matches(@"^LAST DEPLOYED: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$", lines[2]);
            Assert.Equal("NAMESPACE: default", lines[3]);
            Assert.Equal("STATUS: deployed", lines[4]);
            Assert.Equal("REVISION: 1", lines[5]);
            Assert.Equal("TEST SUITE: None", lines[6]);

            Result up = sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0");
            string[] ul = up.Out.Split('\n');
            string[] gu = Sim.Golden("v3.21.4", "upgrade.txt").Split('\n');
            Assert.Equal("Release \"redis\" has been upgraded. Happy Helming!", ul[0]);
            Assert.Equal(gu[0].Replace("funny-bunny", "redis"), ul[0]);
            for (int i = 1; i < 7; i++) Assert.Equal(gu[i].Split(':')[0], ul[i].Split(':')[0]);
            Assert.Equal("REVISION: 2", ul[5]);
        }

        [Fact]
        public void History_json_matches_golden_shape_and_status_transitions()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2");
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "--set", "a=1");
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0", "--description", "bump chart");
            Result h = sim.Ok("history", "redis", "-o", "json");
            var arr = (JsonArray)h.Json;
            var golden = (JsonArray)JsonNode.Parse(Sim.Golden("v3.21.4", "history.json"))!;
            Assert.Equal(3, arr.Count);
            foreach (JsonNode? e in arr)
            {
                Assert.Equal(Sim.Keys(golden[0]), Sim.Keys(e));
                Assert.Equal(JsonValueKind.Number, e!["revision"]!.GetValueKind());
                Assert.Matches(Rfc3339, e["updated"]!.GetValue<string>());
            }
            Assert.Equal(new[] { 1, 2, 3 }, arr.Select(e => e!["revision"]!.GetValue<int>()));
            Assert.Equal(new[] { "superseded", "superseded", "deployed" }, arr.Select(e => e!["status"]!.GetValue<string>()));
            Assert.Equal(new[] { "Install complete", "Upgrade complete", "bump chart" }, arr.Select(e => e!["description"]!.GetValue<string>()));
            Assert.Equal("redis-18.0.0", arr[2]!["chart"]!.GetValue<string>());
            Assert.Equal("7.2.0", arr[2]!["app_version"]!.GetValue<string>());

            Result max = sim.Ok("history", "redis", "--max", "2", "-o", "json");
            Assert.Equal(new[] { 2, 3 }, ((JsonArray)max.Json).Select(e => e!["revision"]!.GetValue<int>()));

            Result table = sim.Ok("history", "redis");
            string[] tl = table.Out.TrimEnd('\n').Split('\n');
            string goldenHeader = Sim.Golden("v3.21.4", "history.txt").Split('\n')[0];
            Assert.Equal(goldenHeader.Split('\t').Select(c => c.Trim()), tl[0].Split('\t').Select(c => c.Trim()));
            Assert.Equal(4, tl.Length);
            int[] widths = tl[0].Split('\t').Select(c => c.Length).ToArray();
            foreach (string line in tl)
            {
                Assert.Equal(widths, line.Split('\t').Select(c => c.Length).ToArray());
            }
            Assert.Matches(@"^3\s+\t\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\tdeployed  \tredis-18.0.0 ", tl[3]);
        }

        [Fact]
        public void Values_merge_files_set_typing_and_reuse()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            string f1 = sim.WriteFile("a.yaml", "image:\n  tag: one\nlist: [1, 2]\nkeep: yes\n");
            string f2 = sim.WriteFile("b.yaml", "image:\n  tag: two\n  pullPolicy: Always\n");
            sim.Ok("upgrade", "--install", "web", "bitnami/nginx", "-f", f1, "-f", f2, "--set", "replicaCount=3,debug=true,name=web",
                "--set", "image.tag=three", "--set-string", "port=8080", "--set", "arr[1].x=1");
            JsonNode v = sim.Ok("get", "values", "web", "-o", "json").Json;
            Assert.Equal("three", v["image"]!["tag"]!.GetValue<string>());
            Assert.Equal("Always", v["image"]!["pullPolicy"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Number, v["replicaCount"]!.GetValueKind());
            Assert.Equal(JsonValueKind.True, v["debug"]!.GetValueKind());
            Assert.Equal(JsonValueKind.True, v["keep"]!.GetValueKind());
            Assert.Equal(JsonValueKind.String, v["port"]!.GetValueKind());
            Assert.Equal("[null,{\"x\":1}]", v["arr"]!.ToJsonString());

            // no -f/--set: previous values reused
            sim.Ok("upgrade", "--install", "web", "bitnami/nginx");
            Assert.Equal(v.ToJsonString(), sim.Ok("get", "values", "web", "-o", "json").Json.ToJsonString());

            // new --set replaces the values entirely (no reuse)
            sim.Ok("upgrade", "--install", "web", "bitnami/nginx", "--set", "only=1");
            Assert.Equal("{\"only\":1}", sim.Ok("get", "values", "web", "-o", "json").Out.Trim());

            // --reuse-values merges
            sim.Ok("upgrade", "web", "bitnami/nginx", "--reuse-values", "--set", "more=2");
            Assert.Equal("{\"only\":1,\"more\":2}", sim.Ok("get", "values", "web", "-o", "json").Out.Trim());

            // --reset-values with nothing: no user values -> null
            sim.Ok("upgrade", "web", "bitnami/nginx", "--reset-values");
            Assert.Equal("null", sim.Ok("get", "values", "web", "-o", "json").Out.Trim());
            Assert.Equal("USER-SUPPLIED VALUES:\nnull\n", sim.Ok("get", "values", "web").Out);

            // older revision still has its values
            Assert.Equal("{\"only\":1}", sim.Ok("get", "values", "web", "--revision", "3", "-o", "json").Out.Trim());
            // -a gives computed values (chart defaults)
            JsonNode all = sim.Ok("get", "values", "web", "-a", "-o", "json").Json;
            Assert.Equal("LoadBalancer", all["service"]!["type"]!.GetValue<string>());
        }

        [Fact]
        public void Values_file_missing_is_an_error()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result r = sim.Helm("upgrade", "--install", "web", "bitnami/nginx", "-f", "missing.yaml");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: open missing.yaml: no such file or directory", r.ErrLines.Single());
        }

        [Fact]
        public void Failed_upgrade_keeps_old_deployed_and_fault_is_consumed_once()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2");
            sim.Faults("{\"fail_next_upgrade\": {\"redis\": \"context deadline exceeded\"}}");
            Result r = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: UPGRADE FAILED: context deadline exceeded", r.ErrLines.Single());
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal("deployed", h[0]!["status"]!.GetValue<string>());
            Assert.Equal("failed", h[1]!["status"]!.GetValue<string>());
            Assert.Equal("Upgrade \"redis\" failed: context deadline exceeded", h[1]!["description"]!.GetValue<string>());
            Assert.DoesNotContain("redis", sim.FaultsText);

            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0");
            h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "failed", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            var list = (JsonArray)sim.Ok("list", "-o", "json").Json;
            Assert.Equal("3", list.Single()!["revision"]!.GetValue<string>());
        }

        [Fact]
        public void Persistent_fail_and_env_fail()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            sim.Faults("{\"fail_upgrade\": {\"redis\": \"boom\"}}");
            Assert.Equal("Error: UPGRADE FAILED: boom", sim.Helm("upgrade", "--install", "redis", "bitnami/redis").ErrLines.Single());
            Assert.Equal("Error: UPGRADE FAILED: boom", sim.Helm("upgrade", "--install", "redis", "bitnami/redis").ErrLines.Single());
            sim.Faults("{}");
            Result env = sim.HelmWith(new() { ["HELMSIM_FAIL_UPGRADE"] = "other=x;redis=from env" }, "upgrade", "--install", "redis", "bitnami/redis");
            Assert.Equal("Error: UPGRADE FAILED: from env", env.ErrLines.Single());
        }

        [Fact]
        public void Failed_install_has_no_prefix_and_next_upgrade_takes_upgrade_path()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Faults("{\"timeout_next_upgrade\": [\"redis\"]}");
            Result r = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--wait", "--timeout", "5m0s");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: context deadline exceeded", r.ErrLines.Single());
            JsonNode st = sim.Ok("status", "redis", "-o", "json").Json;
            Assert.Equal("failed", st["info"]!["status"]!.GetValue<string>());
            Assert.Equal("Release \"redis\" failed: context deadline exceeded", st["info"]!["description"]!.GetValue<string>());

            Result up = sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            Assert.StartsWith("Release \"redis\" has been upgraded.", up.Out);
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
        }

        [Fact]
        public void Atomic_upgrade_rolls_back_and_atomic_install_uninstalls()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "17.13.2", "--set", "x=1");
            sim.Faults("{\"fail_next_upgrade\": {\"redis\": \"context deadline exceeded\"}}");
            Result r = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.0.0", "--atomic", "--set", "x=2");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: UPGRADE FAILED: release redis failed, and has been rolled back due to atomic being set: context deadline exceeded", r.ErrLines.Single());
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "failed", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            Assert.Equal("Rollback to 1", h[2]!["description"]!.GetValue<string>());
            Assert.Equal("redis-17.13.2", h[2]!["chart"]!.GetValue<string>());
            Assert.Equal("{\"x\":1}", sim.Ok("get", "values", "redis", "-o", "json").Out.Trim());

            sim.Faults("{\"fail_next_upgrade\": [\"pg\"]}");
            Result i = sim.Helm("upgrade", "--install", "pg", "bitnami/postgresql", "--atomic");
            Assert.Equal("Error: release pg failed, and has been uninstalled due to atomic being set: context deadline exceeded", i.ErrLines.Single());
            Assert.Equal("Error: release: not found", sim.Helm("history", "pg").ErrLines.Single());
        }

        [Fact]
        public void Pending_release_blocks_upgrade_until_rollback()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            sim.Faults("{\"leave_pending\": [\"redis\"]}");
            Result killed = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--set", "a=1");
            Assert.Equal(137, killed.Code);
            Assert.Equal("", killed.Out);
            Assert.Equal("", killed.Err);
            Assert.Equal("pending-upgrade", sim.Ok("status", "redis", "-o", "json").Json["info"]!["status"]!.GetValue<string>());

            Result blocked = sim.Helm("upgrade", "--install", "redis", "bitnami/redis");
            Assert.Equal(1, blocked.Code);
            Assert.Equal(Sim.Golden("v3.21.4", "upgrade-with-pending-install.txt").TrimEnd('\n'), blocked.ErrLines.Single());

            // default list hides pending; -a shows it
            Assert.Equal("[]", sim.Ok("list", "-o", "json").Out.Trim());
            Assert.Equal("pending-upgrade", ((JsonArray)sim.Ok("list", "-a", "-o", "json").Json)[0]!["status"]!.GetValue<string>());

            sim.Ok("rollback", "redis", "1");
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "pending-upgrade", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
        }

        [Fact]
        public void Killing_helm_during_delay_leaves_pending_upgrade()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            using var p = sim.Start(new() { ["HELMSIM_DELAY_MS"] = "20000" }, "upgrade", "--install", "redis", "bitnami/redis", "--set", "x=1");
            string pendingFile = System.IO.Path.Combine(sim.Home, "releases", "default", "redis", "2.json");
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (!System.IO.File.Exists(pendingFile) && sw.ElapsedMilliseconds < 15000) System.Threading.Thread.Sleep(20);
            Assert.True(System.IO.File.Exists(pendingFile), "pending revision was not written");
            p.Kill(true);
            p.WaitForExit();
            JsonNode st = sim.Ok("status", "redis", "-o", "json").Json;
            Assert.Equal("pending-upgrade", st["info"]!["status"]!.GetValue<string>());
            Assert.Equal(2, st["version"]!.GetValue<int>());
            Assert.Contains("another operation (install/upgrade/rollback) is in progress", sim.Helm("upgrade", "--install", "redis", "bitnami/redis").Err);
        }

        [Fact]
        public void Upgrade_without_install_on_missing_release_matches_golden()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result r = sim.Helm("upgrade", "funny-bunny", "bitnami/redis");
            Assert.Equal(1, r.Code);
            Assert.Equal(Sim.Golden("v3.21.4", "upgrade-with-bad-or-missing-existing-release.txt").TrimEnd('\n'), r.ErrLines.Single());
        }

        [Fact]
        public void Dry_run_changes_nothing()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result r = sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--dry-run", "-o", "json");
            Assert.Equal("pending-install", r.Json["info"]!["status"]!.GetValue<string>());
            Assert.Equal("Dry run complete", r.Json["info"]!["description"]!.GetValue<string>());
            Assert.Equal("Error: release: not found", sim.Helm("status", "redis").ErrLines.Single());
        }

        [Fact]
        public void History_max_prunes_but_keeps_deployed()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            for (int i = 0; i < 4; i++) sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--history-max", "3", "--set", "i=" + i);
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { 3, 4, 5 }, h.Select(e => e!["revision"]!.GetValue<int>()));

            using var sim2 = new Sim();
            sim2.AddBitnami();
            sim2.Ok("upgrade", "--install", "redis", "bitnami/redis");
            sim2.Faults("{\"fail_upgrade\": [\"redis\"]}");
            for (int i = 0; i < 3; i++) Assert.Equal(1, sim2.Helm("upgrade", "redis", "bitnami/redis", "--history-max", "2").Code);
            var h2 = (JsonArray)sim2.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { 1, 4 }, h2.Select(e => e!["revision"]!.GetValue<int>()));
            Assert.Equal("deployed", h2[0]!["status"]!.GetValue<string>());
        }

        [Fact]
        public void History_max_default_is_ten_and_zero_is_unlimited()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            for (int i = 0; i < 12; i++) sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--set", "i=" + i);
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(Enumerable.Range(3, 10), h.Select(e => e!["revision"]!.GetValue<int>()));
            sim.Ok("upgrade", "redis", "bitnami/redis", "--history-max", "0", "--set", "x=1");
            sim.Ok("upgrade", "redis", "bitnami/redis", "--history-max", "0", "--set", "x=2");
            Assert.Equal(12, ((JsonArray)sim.Ok("history", "redis", "-o", "json").Json).Count);
        }

        [Fact]
        public void Parallel_upgrades_overlap_and_same_release_conflicts()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            var env = new System.Collections.Generic.Dictionary<string, string> { ["HELMSIM_DELAY_MS"] = "1500" };
            var procs = new[] { "a", "b", "c" }.Select(n => sim.Start(env, "upgrade", "--install", n, "bitnami/nginx", "-n", "par")).ToList();
            var results = procs.Select(Sim.Finish).ToList();
            Assert.All(results, r => Assert.Equal(0, r.Code));
            var upgrades = sim.CallLog().Where(l => l["argv"]![0]!.GetValue<string>() == "upgrade").ToList();
            Assert.Equal(3, upgrades.Count);
            DateTime maxStart = upgrades.Max(l => DateTime.Parse(l["start"]!.GetValue<string>()));
            DateTime minEnd = upgrades.Min(l => DateTime.Parse(l["end"]!.GetValue<string>()));
            Assert.True(maxStart < minEnd, "upgrade calls did not overlap");
            Assert.Equal(3, ((JsonArray)sim.Ok("list", "-n", "par", "-o", "json").Json).Count);

            // same release twice at once: one wins, the other sees the pending revision
            var p1 = sim.Start(env, "upgrade", "--install", "a", "bitnami/nginx", "-n", "par", "--set", "v=1");
            // Start the second only once the first has written its pending revision.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!sim.Ok("history", "a", "-n", "par", "-o", "json").Json!.ToJsonString().Contains("pending-upgrade") && DateTime.UtcNow < deadline)
            {
                System.Threading.Thread.Sleep(20);
            }
            var p2 = sim.Start(env, "upgrade", "--install", "a", "bitnami/nginx", "-n", "par", "--set", "v=2");
            Result r1 = Sim.Finish(p1), r2 = Sim.Finish(p2);
            Assert.Equal(0, r1.Code);
            Assert.Equal("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", r2.ErrLines.Single());
            var h = (JsonArray)sim.Ok("history", "a", "-n", "par", "-o", "json").Json;
            Assert.Equal(new[] { 1, 2 }, h.Select(e => e!["revision"]!.GetValue<int>()));
        }

        [Theory]
        [InlineData("600", "Error: invalid argument \"600\" for \"--timeout\" flag: time: missing unit in duration \"600\"")]
        [InlineData("5x", "Error: invalid argument \"5x\" for \"--timeout\" flag: time: unknown unit \"x\" in duration \"5x\"")]
        [InlineData("abc", "Error: invalid argument \"abc\" for \"--timeout\" flag: time: invalid duration \"abc\"")]
        public void Timeout_must_be_a_go_duration(string value, string expected)
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Result r = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--timeout", value);
            Assert.Equal(1, r.Code);
            Assert.Equal(expected, r.ErrLines.Single());
            Assert.Equal("", r.Out);
        }

        [Theory]
        [InlineData("300s")]
        [InlineData("5m0s")]
        [InlineData("1h")]
        [InlineData("1m30.5s")]
        public void Valid_timeouts_are_accepted(string value)
        {
            using var sim = new Sim();
            sim.AddBitnami();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--timeout", value, "--wait");
        }

        [Fact]
        public void Argument_and_flag_errors()
        {
            using var sim = new Sim();
            Result r = sim.Helm("upgrade", "redis");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: \"helm upgrade\" requires 2 arguments", r.ErrLines[0]);
            Assert.Equal("Error: unknown flag: --bogus", sim.Helm("list", "--bogus").ErrLines.Single());
            Assert.Equal("Error: unknown command \"frobnicate\" for \"helm\"", sim.Helm("frobnicate").ErrLines[0]);
            Assert.Equal("Error: unknown flag: --rollback-on-failure", sim.Helm("upgrade", "a", "b", "--rollback-on-failure").ErrLines.Single());
            Assert.Equal("Error: unknown flag: --force-replace", sim.Helm("upgrade", "a", "b", "--force-replace").ErrLines.Single());
            Assert.Equal("Error: release name is invalid: Bad_Name", sim.Helm("upgrade", "--install", "Bad_Name", "bitnami/redis").ErrLines.Single());
        }
    }
}
