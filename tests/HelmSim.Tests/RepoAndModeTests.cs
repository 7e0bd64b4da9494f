using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace HelmSim.Tests
{
    public class RepoTests
    {
        [Fact]
        public void Repo_add_same_and_different_url()
        {
            using var sim = new Sim();
            Assert.Equal("\"bitnami\" has been added to your repositories\n", sim.Ok("repo", "add", "bitnami", "https://charts.bitnami.com/bitnami").Out);
            Assert.Equal("\"bitnami\" already exists with the same configuration, skipping\n", sim.Ok("repo", "add", "bitnami", "https://charts.bitnami.com/bitnami").Out);
            Result r = sim.Helm("repo", "add", "bitnami", "https://other.example.com");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: repository name (bitnami) already exists, please specify a different name", r.ErrLines.Single());
            sim.Ok("repo", "add", "bitnami", "https://other.example.com", "--force-update");
            Assert.Equal("[{\"name\":\"bitnami\",\"url\":\"https://other.example.com\"}]\n", sim.Ok("repo", "list", "-o", "json").Out);
            Assert.Contains("looks like \"https://nowhere\" is not a valid chart repository", sim.Helm("repo", "add", "unknownrepo", "https://nowhere").Err);
        }

        [Fact]
        public void Repo_list_empty_and_table()
        {
            using var sim = new Sim();
            Assert.Equal("[]\n", sim.Ok("repo", "list", "-o", "json").Out);
            Assert.Equal("Error: no repositories to show", sim.Helm("repo", "list").ErrLines.Single());
            sim.Ok("repo", "add", "jetstack", "https://charts.jetstack.io");
            Assert.Equal("NAME    \tURL                       \njetstack\thttps://charts.jetstack.io\n", sim.Ok("repo", "list").Out);
        }

        [Fact]
        public void Passwords_never_reach_the_call_log()
        {
            using var sim = new Sim();
            sim.HelmStdin("s3cr3t-stdin\n", "repo", "add", "bitnami", "https://charts.bitnami.com/bitnami", "--username", "bob", "--password-stdin");
            sim.Ok("repo", "add", "jetstack", "https://charts.jetstack.io", "--username", "bob", "--password", "p4ss-flag");
            sim.Ok("repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "--username", "bob", "--password=p4ss-eq");
            string log = File.ReadAllText(Path.Combine(sim.Home, "calls.log"));
            Assert.DoesNotContain("s3cr3t", log);
            Assert.DoesNotContain("p4ss", log);
            Assert.Contains("\"--password\",\"***\"", log);
            Assert.Contains("\"--password=***\"", log);
            // the stdin password was really received (stored like helm's repositories.yaml)
            Assert.Contains("s3cr3t-stdin", File.ReadAllText(Path.Combine(sim.Home, "repos.json")));
        }

        [Fact]
        public void Repo_index_cache_needs_update_for_new_versions()
        {
            using var sim = new Sim();
            string catalog = sim.PrivateCatalog();
            sim.AddBitnami();
            Assert.Equal("Error: repo foo not found", sim.Helm("upgrade", "--install", "x", "foo/redis").ErrLines.Single());
            Assert.Equal("Error: chart \"redis\" matching 99.0.0 not found in bitnami index. (try 'helm repo update'): no chart version found for redis-99.0.0",
                sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--version", "99.0.0").ErrLines.Single());

            string src = Path.Combine(catalog, "bitnami", "redis", "18.1.0");
            string dst = Path.Combine(catalog, "bitnami", "redis", "18.2.0");
            Directory.CreateDirectory(dst);
            File.WriteAllText(Path.Combine(dst, "Chart.yaml"), File.ReadAllText(Path.Combine(src, "Chart.yaml")).Replace("version: 18.1.0", "version: 18.2.0"));

            Result stale = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.2.0");
            Assert.Equal("Error: chart \"redis\" matching 18.2.0 not found in bitnami index. (try 'helm repo update'): no chart version found for redis-18.2.0", stale.ErrLines.Single());
            // no --version picks the newest version of the cached index
            Assert.Equal("18.1.0", sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "-o", "json").Json["chart"]!["metadata"]!["version"]!.GetValue<string>());

            Result upd = sim.Ok("repo", "update");
            Assert.Equal("Hang tight while we grab the latest from your chart repositories...\n...Successfully got an update from the \"bitnami\" chart repository\nUpdate Complete. ⎈Happy Helming!⎈\n", upd.Out);
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--version", "18.2.0");
            sim.Ok("repo", "update", "bitnami");
            Assert.Equal(1, sim.Helm("repo", "update", "nosuch").Code);
        }

        [Fact]
        public void Bare_chart_name_and_missing_chart()
        {
            using var sim = new Sim();
            sim.AddBitnami();
            Assert.Equal("Error: non-absolute URLs should be in form of repo_name/path_to_chart, got: redis", sim.Helm("upgrade", "--install", "r", "redis").ErrLines.Single());
            Assert.Equal("Error: chart \"nosuch\" not found in bitnami index. (try 'helm repo update'): no chart name found", sim.Helm("upgrade", "--install", "r", "bitnami/nosuch").ErrLines.Single());
        }
    }

    public class HelmV4Tests
    {
        private static Sim V4()
        {
            var sim = new Sim();
            sim.Env["HELMSIM_VERSION"] = "4";
            sim.AddBitnami();
            return sim;
        }

        [Fact]
        public void Version_short_reports_major()
        {
            using var sim = new Sim();
            Assert.Matches(@"^v3\.21\.4\+g[0-9a-f]{7}\n$", sim.Ok("version", "--short").Out);
            Assert.StartsWith("version.BuildInfo{Version:\"v3.21.4\"", sim.Ok("version").Out);
            sim.Env["HELMSIM_VERSION"] = "4";
            Assert.Matches(@"^v4\.2\.4\+g[0-9a-f]{7}\n$", sim.Ok("version", "--short").Out);
            sim.Env.Remove("HELMSIM_VERSION");
            sim.Faults("{\"version\": 4}");
            Assert.StartsWith("v4.2.4+g", sim.Ok("version", "--short").Out);
        }

        [Fact]
        public void List_all_flag_is_gone_and_all_statuses_show()
        {
            using var sim = V4();
            Result r = sim.Helm("list", "-a");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: unknown flag: --all", r.ErrLines.Single());
            Assert.Equal("Error: unknown flag: --all", sim.Helm("list", "--all").ErrLines.Single());
            sim.Ok("upgrade", "--install", "a", "bitnami/nginx");
            sim.Ok("uninstall", "a", "--keep-history");
            var list = (JsonArray)sim.Ok("list", "-o", "json").Json;
            Assert.Equal("uninstalled", list.Single()!["status"]!.GetValue<string>());
        }

        [Fact]
        public void Zero_times_are_omitted_and_status_table_has_description()
        {
            using var sim = V4();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            JsonNode st = sim.Ok("status", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "first_deployed", "last_deployed", "description", "status", "notes" }, Sim.Keys(st["info"]));
            JsonNode golden = JsonNode.Parse(Sim.Golden("v4.2.4", "status.json"))!;
            string[] theirs = Sim.Keys(golden["info"]);
            Assert.Equal(theirs, Sim.Keys(st["info"]).Where(theirs.Contains).ToArray());

            Result up = sim.Ok("upgrade", "--install", "redis", "bitnami/redis", "--set", "a=1");
            string[] lines = up.Out.Split('\n');
            string[] g = Sim.Golden("v4.2.4", "upgrade.txt").Split('\n');
            for (int i = 1; i < 8; i++) Assert.Equal(g[i].Split(':')[0], lines[i].Split(':')[0]);
            Assert.Equal("DESCRIPTION: Upgrade complete", lines[6]);
        }

        [Fact]
        public void Atomic_is_deprecated_and_rollback_on_failure_works()
        {
            using var sim = V4();
            sim.Ok("upgrade", "--install", "redis", "bitnami/redis");
            Result warn = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--atomic", "--set", "a=1");
            Assert.Equal(0, warn.Code);
            Assert.Equal("Flag --atomic has been deprecated, use --rollback-on-failure instead", warn.ErrLines.Single());

            sim.Faults("{\"fail_next_upgrade\": {\"redis\": \"context deadline exceeded\"}}");
            Result r = sim.Helm("upgrade", "--install", "redis", "bitnami/redis", "--rollback-on-failure", "--force-replace", "--wait=watcher", "--set", "a=2");
            Assert.Equal(1, r.Code);
            Assert.Equal("Error: UPGRADE FAILED: release redis failed, and has been rolled back due to rollback-on-failure being set: context deadline exceeded", r.ErrLines.Single());
            var h = (JsonArray)sim.Ok("history", "redis", "-o", "json").Json;
            Assert.Equal(new[] { "superseded", "superseded", "failed", "deployed" }, h.Select(e => e!["status"]!.GetValue<string>()));
            Assert.Equal("Rollback to 2", h[3]!["description"]!.GetValue<string>());
        }

        [Fact]
        public void Unreachable_is_lower_case()
        {
            using var sim = V4();
            sim.Env["HELMSIM_UNREACHABLE"] = "1";
            Assert.Equal("Error: kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused", sim.Helm("history", "x").ErrLines.Single());
        }
    }

    public class CallLogTests
    {
        [Fact]
        public void Every_invocation_is_logged_with_times_exit_and_argv()
        {
            using var sim = new Sim();
            sim.Ok("version", "--short");
            sim.Helm("status", "nope", "-n", "x");
            var lines = sim.CallLog();
            Assert.Equal(2, lines.Count);
            Assert.Equal(new[] { "tool", "pid", "start", "end", "exit", "argv" }, Sim.Keys(lines[0]));
            Assert.Equal("helm", lines[0]["tool"]!.GetValue<string>());
            Assert.Equal(0, lines[0]["exit"]!.GetValue<int>());
            Assert.Equal(1, lines[1]["exit"]!.GetValue<int>());
            Assert.Equal(new[] { "status", "nope", "-n", "x" }, ((JsonArray)lines[1]["argv"]!).Select(a => a!.GetValue<string>()));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", lines[0]["start"]!.GetValue<string>());
            Assert.True(DateTime.Parse(lines[0]["start"]!.GetValue<string>()) <= DateTime.Parse(lines[0]["end"]!.GetValue<string>()));
            Assert.Equal(JsonValueKind.Number, lines[0]["pid"]!.GetValueKind());
        }

        [Fact]
        public void Concurrent_processes_write_whole_lines()
        {
            using var sim = new Sim();
            var procs = Enumerable.Range(0, 12).Select(i => sim.Start(null, "version", "--short")).ToList();
            foreach (var p in procs) Assert.Equal(0, Sim.Finish(p).Code);
            Assert.Equal(12, sim.CallLog().Count);
        }
    }

    public class KubectlTests
    {
        private const string Manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n";

        [Fact]
        public void Apply_get_delete()
        {
            using var sim = new Sim();
            string f = sim.WriteFile("app.yaml", Manifest);
            Result a = sim.Kubectl("apply", "-f", f, "-n", "demo", "--context", "dev");
            Assert.Equal(0, a.Code);
            Assert.Equal("deployment.apps/web created\nservice/web created\n", a.Out);
            Assert.Equal("deployment.apps/web unchanged\nservice/web unchanged\n", sim.Kubectl("apply", "-f", f, "-n", "demo").Out);
            File.WriteAllText(f, Manifest.Replace("replicas: 2", "replicas: 3"));
            Assert.Equal("deployment.apps/web configured\nservice/web unchanged\n", sim.Kubectl("apply", "-f", f, "-n", "demo").Out);
            Assert.True(File.Exists(Path.Combine(sim.Home, "kube", "demo", "deployment.apps", "web.yaml")));

            JsonNode obj = JsonNode.Parse(sim.Kubectl("get", "deployment", "web", "-n", "demo", "-o", "json").Out)!;
            Assert.Equal(3, obj["spec"]!["replicas"]!.GetValue<int>());
            Assert.Contains("replicas: 3", sim.Kubectl("get", "deploy", "web", "-n", "demo", "-o", "yaml").Out);

            Assert.Equal("deployment.apps \"web\" deleted\nservice \"web\" deleted\n", sim.Kubectl("delete", "-f", f, "-n", "demo").Out);
            Result again = sim.Kubectl("delete", "-f", f, "-n", "demo");
            Assert.Equal(1, again.Code);
            Assert.Equal("Error from server (NotFound): deployments.apps \"web\" not found", again.ErrLines[0]);
            Assert.Equal(0, sim.Kubectl("delete", "-f", f, "-n", "demo", "--ignore-not-found").Code);
            Assert.Equal(1, sim.Kubectl("get", "deployment", "web", "-n", "demo", "-o", "yaml").Code);
            Assert.Equal("kubectl", sim.CallLog()[0]["tool"]!.GetValue<string>());
        }

        [Fact]
        public void Context_version_and_faults()
        {
            using var sim = new Sim();
            Assert.Equal("helmsim\n", sim.Kubectl("config", "current-context").Out);
            sim.Env["HELMSIM_KUBE_CONTEXT"] = "prod-eu";
            Assert.Equal("prod-eu\n", sim.Kubectl("config", "current-context").Out);
            Assert.StartsWith("Client Version: v", sim.Kubectl("version", "--client").Out);

            string f = sim.WriteFile("app.yaml", Manifest);
            sim.Faults("{\"fail_next_apply\": {\"demo\": \"admission webhook denied the request\"}}");
            Result failed = sim.Kubectl("apply", "-f", f, "-n", "demo");
            Assert.Equal(1, failed.Code);
            Assert.Contains("admission webhook denied the request", failed.Err);
            Assert.Equal(0, sim.Kubectl("apply", "-f", f, "-n", "demo").Code);

            sim.Faults("{\"unreachable\": true}");
            Result un = sim.Kubectl("apply", "-f", f, "-n", "demo");
            Assert.Equal(1, un.Code);
            Assert.Contains("was refused", un.Err);
        }
    }
}
