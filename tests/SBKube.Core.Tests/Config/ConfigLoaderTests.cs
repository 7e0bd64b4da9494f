using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public partial class ConfigLoaderTests
    {
        private const string SeedConfig = """
            # config.yaml
            namespace: state-demo
            apps:
              redis:
                type: helm
                chart: bitnami/redis
                version: 17.13.2
                values:
                  - redis.yaml
            """;

        private static TempProject Seed()
        {
            var p = new TempProject();
            p.Config(SeedConfig);
            p.Write("values/redis.yaml", "architecture: standalone\nauth:\n  password: state-demo-v1\nmaster:\n  persistence:\n    size: 1Gi\n");
            return p;
        }

        // ------------------------------------------------------------------ positive

        [Fact]
        public void SeedExample_Validates_And_Loads()
        {
            using var p = Seed();
            Assert.Empty(p.Validate());
            var cfg = p.Load();
            Assert.Equal(p.ConfigFile, cfg.ConfigFile);
            Assert.Equal(p.Dir, cfg.Directory);
            Assert.Equal("state-demo", cfg.Namespace);
            var app = Assert.Single(cfg.Apps);
            Assert.Equal("redis", app.Name);
            Assert.Equal(AppType.Helm, app.Type);
            Assert.True(app.Enabled);
            Assert.Equal("state-demo", app.Namespace);
            Assert.Equal("bitnami/redis", app.Chart);
            Assert.Null(app.ChartPath);
            Assert.Equal("17.13.2", app.Version);
            Assert.Equal(new[] { Path.Combine(p.Dir, "values", "redis.yaml") }, app.ValuesFiles);
            Assert.Equal("redis", app.ReleaseName);
            Assert.True(app.CreateNamespace);
            Assert.False(app.Wait);
            Assert.False(app.Atomic);
            Assert.Null(app.Timeout);
            Assert.Null(app.HistoryMax);
            Assert.Empty(app.DependsOn);
            Assert.Equal(4, app.Location.Line);
            Assert.Equal(3, app.Location.Column);
            Assert.Equal(p.ConfigFile, app.Location.File);
            var repo = Assert.Single(cfg.Sources.HelmRepos);
            Assert.Equal("bitnami", repo.Name);
            Assert.Equal("https://charts.bitnami.com/bitnami", repo.Url);
            Assert.Equal(Path.Combine(p.Dir, "sources.yaml"), cfg.Sources.File);
            var values = YamlValues.LoadFile(app.ValuesFiles[0]);
            Assert.Equal("state-demo-v1", values["auth"]!["password"]!.GetValue<string>());
        }

        [Fact]
        public void RepositoryExample_IfPresent_Validates()
        {
            // examples/state-management is the seed's example; it must always validate.
            var dir = AppContext.BaseDirectory;
            while (dir != null && !Directory.Exists(Path.Combine(dir, "examples", "state-management"))) dir = Path.GetDirectoryName(dir);
            if (dir == null) return;
            var example = Path.Combine(dir, "examples", "state-management");
            if (!File.Exists(Path.Combine(example, "config.yaml"))) return;
            Assert.Empty(ConfigLoader.Validate(example));
        }

        [Fact]
        public void HelmApp_AllFields()
        {
            using var p = new TempProject();
            p.Write("base.yaml", "a: 1\n");
            p.Write("values/prod.yaml", "b: 2\n");
            p.Config("""
                namespace: team
                apps:
                  db:
                    chart: bitnami/postgresql
                  web:
                    type: helm
                    chart: bitnami/nginx
                    version: 18.0
                    values: [base.yaml, prod.yaml]
                    set:
                      master.persistence.size: 2Gi
                      replicas: 3
                      debug: true
                      tag: "1.0"
                      list[0].name: x
                    release_name: web-release
                    namespace: other
                    depends_on: [db]
                    enabled: true
                    wait: true
                    timeout: 5m
                    atomic: true
                    create_namespace: false
                    history_max: 10
                """);
            Assert.Empty(p.Validate());
            var cfg = p.Load();
            var web = cfg.FindApp("web")!;
            Assert.Equal("18.0", web.Version);
            Assert.Equal(new[] { Path.Combine(p.Dir, "base.yaml"), Path.Combine(p.Dir, "values", "prod.yaml") }, web.ValuesFiles);
            Assert.Equal(new[] { "master.persistence.size", "replicas", "debug", "tag", "list[0].name" }, web.Set.Select(kv => kv.Key));
            Assert.Equal("2Gi", web.Set["master.persistence.size"]!.GetValue<string>());
            Assert.Equal(3L, web.Set["replicas"]!.GetValue<long>());
            Assert.True(web.Set["debug"]!.GetValue<bool>());
            Assert.Equal("1.0", web.Set["tag"]!.GetValue<string>());
            Assert.Equal("web-release", web.ReleaseName);
            Assert.Equal("other", web.Namespace);
            Assert.Equal(new[] { "db" }, web.DependsOn);
            Assert.True(web.Wait);
            Assert.Equal("5m", web.Timeout);
            Assert.True(web.Atomic);
            Assert.False(web.CreateNamespace);
            Assert.Equal(10, web.HistoryMax);
            Assert.Equal("team", cfg.FindApp("db")!.Namespace);
        }

        [Fact]
        public void ScalarForm_Accepted_For_Values_Manifests_DependsOn()
        {
            using var p = new TempProject();
            p.Write("redis.yaml", "a: 1\n");
            p.Write("m/deploy.yaml", "apiVersion: v1\nkind: ConfigMap\n");
            p.Config("""
                apps:
                  redis:
                    chart: bitnami/redis
                    values: redis.yaml
                  web:
                    type: yaml
                    manifests: m/deploy.yaml
                    depends_on: redis
                """);
            Assert.Empty(p.Validate());
            var cfg = p.Load();
            Assert.Equal(new[] { Path.Combine(p.Dir, "redis.yaml") }, cfg.FindApp("redis")!.ValuesFiles);
            Assert.Equal(new[] { Path.Combine(p.Dir, "m", "deploy.yaml") }, cfg.FindApp("web")!.Manifests);
            Assert.Equal(new[] { "redis" }, cfg.FindApp("web")!.DependsOn);
            Assert.Equal("default", cfg.FindApp("web")!.Namespace);
            Assert.Null(cfg.Namespace);
        }

        [Fact]
        public void YamlApp_Manifests_Globs_Expanded_Sorted_Deduplicated()
        {
            using var p = new TempProject();
            p.Write("manifests/b.yaml", "kind: B\n");
            p.Write("manifests/a.yaml", "kind: A\n---\nkind: A2\n");
            p.Write("manifests/notes.txt", "x");
            p.Write("manifests/sub/c.yml", "kind: C\n");
            p.Write("manifests/sub/deeper/d.yml", "kind: D\n");
            p.Config("""
                apps:
                  web:
                    type: yaml
                    manifests:
                      - manifests/b.yaml
                      - manifests/*.yaml
                      - manifests/**/*.yml
                """);
            Assert.Empty(p.Validate());
            var web = p.Load().Apps[0];
            Assert.Equal(AppType.Yaml, web.Type);
            Assert.Equal(new[]
            {
                Path.Combine(p.Dir, "manifests", "a.yaml"),
                Path.Combine(p.Dir, "manifests", "b.yaml"),
                Path.Combine(p.Dir, "manifests", "sub", "c.yml"),
                Path.Combine(p.Dir, "manifests", "sub", "deeper", "d.yml"),
            }, web.Manifests);
        }

        [Fact]
        public void NamespaceOverride_Replaces_TopLevel_But_Not_Explicit_App_Namespace()
        {
            using var p = new TempProject();
            p.Config("""
                namespace: base
                apps:
                  a: {chart: bitnami/redis}
                  b: {chart: bitnami/redis, namespace: pinned}
                """);
            var cfg = p.Load("override");
            Assert.Equal("override", cfg.Namespace);
            Assert.Equal("override", cfg.FindApp("a")!.Namespace);
            Assert.Equal("pinned", cfg.FindApp("b")!.Namespace);
            var plain = p.Load();
            Assert.Equal("base", plain.FindApp("a")!.Namespace);
        }

        [Fact]
        public void NamespaceOverride_Invalid_Is_Reported()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a: {chart: bitnami/redis}\n");
            var ex = Assert.Throws<ConfigException>(() => p.Load("Bad Namespace"));
            var issue = Assert.Single(ex.Issues);
            Assert.Equal(ConfigIssueCodes.InvalidName, issue.Code);
            Assert.Contains("'Bad Namespace'", issue.Message);
        }

        [Fact]
        public void Load_Accepts_ConfigFile_Path_And_Default_Namespace()
        {
            using var p = new TempProject();
            var file = p.Config("apps:\n  a: {chart: bitnami/redis}\n");
            var cfg = ConfigLoader.Load(file);
            Assert.Equal(file, cfg.ConfigFile);
            Assert.Equal("default", cfg.Apps[0].Namespace);
        }

        [Fact]
        public void LocalChart_And_Oci_Charts_Are_Accepted()
        {
            using var p = new TempProject(withSources: false);
            p.Write("charts/mychart/Chart.yaml", "apiVersion: v2\nname: mychart\nversion: 0.1.0\n");
            p.Config("""
                apps:
                  local:
                    chart: ./charts/mychart
                  oci:
                    chart: oci://registry.example.com/charts/app
                    version: 1.2.3
                """);
            Assert.Empty(p.Validate());
            var cfg = p.Load();
            Assert.Equal(Path.Combine(p.Dir, "charts", "mychart"), cfg.FindApp("local")!.ChartPath);
            Assert.Equal("./charts/mychart", cfg.FindApp("local")!.Chart);
            Assert.Null(cfg.FindApp("oci")!.ChartPath);
        }

        [Fact]
        public void Valid_Go_Durations_Are_Accepted()
        {
            foreach (var d in new[] { "300s", "5m", "1h30m", "5m0s", "1.5h", "500ms" })
            {
                using var p = new TempProject();
                p.Config($"apps:\n  a:\n    chart: bitnami/redis\n    timeout: {d}\n");
                Assert.Empty(p.Validate());
                Assert.Equal(d, p.Load().Apps[0].Timeout);
            }
            Assert.Equal(TimeSpan.FromMinutes(90), DurationText.ParseGoDuration("1h30m"));
        }

        [Fact]
        public void Disabled_App_Is_Listed_But_Not_Ordered()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a: {chart: bitnami/redis, enabled: false}\n  b: {chart: bitnami/nginx}\n");
            var cfg = p.Load();
            Assert.Equal(new[] { "a", "b" }, cfg.Apps.Select(a => a.Name));
            Assert.False(cfg.Apps[0].Enabled);
            Assert.Equal(new[] { "b" }, cfg.InDependencyOrder().Select(a => a.Name));
        }

        [Fact]
        public void Yaml_Merge_Keys_And_Anchors_Work_In_Config()
        {
            using var p = new TempProject();
            p.Config("""
                apps:
                  a: &common
                    chart: bitnami/redis
                    wait: true
                  b:
                    <<: *common
                    wait: false
                """);
            var cfg = p.Load();
            Assert.Equal("bitnami/redis", cfg.FindApp("b")!.Chart);
            Assert.False(cfg.FindApp("b")!.Wait);
            Assert.True(cfg.FindApp("a")!.Wait);
        }
    }
}
