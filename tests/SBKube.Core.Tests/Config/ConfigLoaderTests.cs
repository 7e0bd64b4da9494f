using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public class ConfigLoaderTests
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
            Assert.Equal(TimeSpan.FromMinutes(90), ConfigText.ParseGoDuration("1h30m"));
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

        // ------------------------------------------------------------------ unknown keys / did-you-mean

        [Fact]
        public void UnknownKey_In_App_With_DidYouMean()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    verison: 1.0.0\n");
            var issue = p.Only(ConfigIssueCodes.UnknownKey, "verison");
            Assert.StartsWith("Unknown key 'verison' in app 'redis' (did you mean 'version'?)", issue.Message);
            Assert.Equal("verison", issue.Value);
            Assert.Contains("version", issue.Expected);
        }

        [Theory]
        [InlineData("dependsOn", "depends_on")]
        [InlineData("releaseName", "release_name")]
        [InlineData("Chart", "chart")]
        [InlineData("valeus", "values")]
        [InlineData("timout", "timeout")]
        public void UnknownKey_DidYouMean_Variants(string typo, string suggestion)
        {
            using var p = new TempProject();
            p.Config($"apps:\n  redis:\n    chart: bitnami/redis\n    {typo}: x\n");
            var issue = p.Only(ConfigIssueCodes.UnknownKey, typo + ":");
            Assert.Contains($"(did you mean '{suggestion}'?)", issue.Message);
        }

        [Fact]
        public void UnknownKey_Without_Close_Match_Has_No_Suggestion()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    frobnicate: 1\n");
            var issue = p.Only(ConfigIssueCodes.UnknownKey, "frobnicate");
            Assert.DoesNotContain("did you mean", issue.Message);
            Assert.Contains("expected one of: type, enabled, namespace, depends_on, chart", issue.Message);
        }

        [Fact]
        public void UnknownKey_TopLevel_With_DidYouMean()
        {
            using var p = new TempProject();
            p.Config("namepsace: x\napps:\n  a: {chart: bitnami/redis}\n");
            var issue = p.Only(ConfigIssueCodes.UnknownKey, "namepsace");
            Assert.Contains("Unknown key 'namepsace' at the top level (did you mean 'namespace'?)", issue.Message);
        }

        [Fact]
        public void Key_Of_Other_App_Type_Is_Rejected()
        {
            using var p = new TempProject();
            p.Write("m.yaml", "kind: X\n");
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    manifests: [m.yaml]\n  b:\n    type: yaml\n    manifests: [m.yaml]\n    chart: bitnami/redis\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.UnknownKey, i.Code));
            Assert.Equal(p.Pos("manifests").Line, issues[0].Line);
            Assert.Contains("only valid for apps of type yaml", issues[0].Message);
            Assert.Equal(p.Pos("chart", 2), (issues[1].Line, issues[1].Column));
            Assert.Contains("only valid for apps of type helm", issues[1].Message);
        }

        // ------------------------------------------------------------------ wrong types

        [Fact]
        public void WrongType_Enabled_Maybe()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    enabled: maybe\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "maybe");
            Assert.Contains("'enabled' in app 'redis' must be true or false, got 'maybe'", issue.Message);
            Assert.Equal("maybe", issue.Value);
            Assert.Equal("true or false", issue.Expected);
        }

        [Fact]
        public void WrongType_Values_As_Map()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    values:\n      a: b\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "a: b");
            Assert.Contains("'values' in app 'redis' must be a list of strings", issue.Message);
        }

        [Fact]
        public void WrongType_HistoryMax_Not_Integer_And_Negative_Is_InvalidValue()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    history_max: lots\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "lots");
            Assert.Contains("must be an integer", issue.Message);
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    history_max: -1\n");
            issue = p.Only(ConfigIssueCodes.InvalidValue, "-1");
            Assert.Contains("must be 0 or more, got -1", issue.Message);
        }

        [Fact]
        public void WrongType_Quoted_Boolean_Is_A_String()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    wait: \"true\"\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "\"true\"");
            Assert.Contains("'wait'", issue.Message);
        }

        [Fact]
        public void WrongType_Apps_As_List_And_App_As_Scalar()
        {
            using var p = new TempProject();
            p.Config("apps:\n  - redis\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "- redis");
            Assert.Contains("'apps' must be a map keyed by app name, got a list", issue.Message);
            p.Config("apps:\n  redis: bitnami/redis\n");
            issue = p.Only(ConfigIssueCodes.WrongType, "bitnami/redis");
            Assert.Contains("App 'redis' must be a map of settings, got 'bitnami/redis'", issue.Message);
        }

        [Fact]
        public void WrongType_Top_Level_Not_A_Map()
        {
            using var p = new TempProject();
            p.Config("- a\n- b\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "- a");
            Assert.Contains("must be a map", issue.Message);
        }

        [Fact]
        public void WrongType_Set_As_List_And_DependsOn_Item_As_Map()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    set: [a=b]\n");
            var issue = p.Only(ConfigIssueCodes.WrongType, "[a=b]");
            Assert.Contains("'set' in app 'redis' must be a map", issue.Message);
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    depends_on:\n      - {name: x}\n");
            issue = p.Only(ConfigIssueCodes.WrongType, "{name");
            Assert.Contains("Each entry of 'depends_on'", issue.Message);
        }

        // ------------------------------------------------------------------ names

        [Theory]
        [InlineData("Redis", "uppercase")]
        [InlineData("redis_1", "'_'")]
        [InlineData("\"a;b\"", "';'")]
        [InlineData("\"$(rm -rf)\"", "'$'")]
        [InlineData("\"a b\"", "a space")]
        [InlineData("\"it's\"", "'''")]
        [InlineData("-redis", "start and end")]
        public void InvalidName_App(string written, string explanation)
        {
            using var p = new TempProject();
            p.Config($"apps:\n  {written}:\n    chart: bitnami/redis\n    release_name: ok\n");
            var issue = p.Only(ConfigIssueCodes.InvalidName, written);
            Assert.Contains("App name", issue.Message);
            Assert.Contains(explanation, issue.Message);
            Assert.Contains("DNS-1123", issue.Expected);
        }

        [Fact]
        public void InvalidName_Too_Long_App_Name()
        {
            using var p = new TempProject();
            var name = new string('a', 64);
            p.Config($"apps:\n  {name}:\n    chart: bitnami/redis\n    release_name: ok\n");
            var issue = p.Only(ConfigIssueCodes.InvalidName, name);
            Assert.Contains("64 characters", issue.Message);
        }

        [Fact]
        public void InvalidName_Namespaces()
        {
            using var p = new TempProject();
            p.Config("namespace: State_Demo\napps:\n  a:\n    chart: bitnami/redis\n    namespace: \"x; drop\"\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.InvalidName, i.Code));
            Assert.Equal(p.Pos("State_Demo"), (issues[0].Line, issues[0].Column));
            Assert.Contains("Namespace 'State_Demo' is invalid", issues[0].Message);
            Assert.Equal(p.Pos("\"x; drop\""), (issues[1].Line, issues[1].Column));
            Assert.Contains("Namespace of app 'a' 'x; drop' is invalid", issues[1].Message);
        }

        [Fact]
        public void InvalidName_ReleaseName_Charset()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    release_name: My_Release\n");
            var issue = p.Only(ConfigIssueCodes.InvalidName, "My_Release");
            Assert.Contains("Release name 'My_Release'", issue.Message);
        }

        [Fact]
        public void ReleaseNameTooLong_Explicit()
        {
            using var p = new TempProject();
            var rn = new string('r', 54);
            p.Config($"apps:\n  a:\n    chart: bitnami/redis\n    release_name: {rn}\n");
            var issue = p.Only(ConfigIssueCodes.ReleaseNameTooLong, rn);
            Assert.Contains("54 characters long; Helm allows at most 53", issue.Message);
            Assert.Equal(rn, issue.Value);
        }

        [Fact]
        public void ReleaseNameTooLong_From_App_Name()
        {
            using var p = new TempProject();
            var name = new string('a', 60);
            p.Config($"apps:\n  {name}:\n    chart: bitnami/redis\n");
            var issue = p.Only(ConfigIssueCodes.ReleaseNameTooLong, name);
            Assert.Contains("set a shorter 'release_name'", issue.Message);
            // 53 is fine
            var ok = new string('b', 53);
            p.Config($"apps:\n  {ok}:\n    chart: bitnami/redis\n");
            Assert.Empty(p.Validate());
        }

        // ------------------------------------------------------------------ files

        [Fact]
        public void MissingFile_Values()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    values: [nope.yaml]\n");
            var issue = p.Only(ConfigIssueCodes.MissingFile, "nope.yaml");
            Assert.Contains("Values file 'nope.yaml' in app 'redis' not found", issue.Message);
            Assert.Contains(Path.Combine(p.Dir, "values", "nope.yaml"), issue.Message);
        }

        [Fact]
        public void MissingFile_Manifest_And_Glob_Matching_Nothing()
        {
            using var p = new TempProject();
            p.Write("m/a.yaml", "kind: A\n");
            p.Config("apps:\n  web:\n    type: yaml\n    manifests: [m/missing.yaml, m/*.json]\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.MissingFile, i.Code));
            Assert.Equal(p.Pos("m/missing.yaml"), (issues[0].Line, issues[0].Column));
            Assert.Contains("Manifest 'm/missing.yaml' in app 'web' not found", issues[0].Message);
            Assert.Equal(p.Pos("m/*.json"), (issues[1].Line, issues[1].Column));
            Assert.Contains("matches no file", issues[1].Message);
        }

        [Fact]
        public void MissingFile_Local_Chart()
        {
            using var p = new TempProject();
            p.Write("charts/empty/README.md", "no chart here");
            p.Config("apps:\n  a:\n    chart: ./charts/nothere\n  b:\n    chart: ./charts/empty\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.MissingFile, i.Code));
            Assert.Equal(p.Pos("./charts/nothere"), (issues[0].Line, issues[0].Column));
            Assert.Contains("not found", issues[0].Message);
            Assert.Equal(p.Pos("./charts/empty"), (issues[1].Line, issues[1].Column));
            Assert.Contains("has no Chart.yaml", issues[1].Message);
        }

        [Fact]
        public void MissingFile_No_Config()
        {
            using var p = new TempProject();
            var issues = ConfigLoader.Validate(p.Dir);
            var issue = Assert.Single(issues);
            Assert.Equal(ConfigIssueCodes.MissingFile, issue.Code);
            Assert.Contains("No config.yaml found", issue.Message);
            var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(p.Dir, "nope")));
            Assert.Equal(ConfigIssueCodes.MissingFile, ex.Code);
        }

        [Fact]
        public void Values_File_Is_Parsed_And_Errors_Point_Into_It()
        {
            using var p = new TempProject();
            var vf = p.Write("values/bad.yaml", "a: 1\nb: [1, 2\n");
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    values: [bad.yaml]\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.MalformedYaml, issue.Code);
            Assert.Equal(vf, issue.File);
            Assert.True(issue.Line >= 2);

            p.Write("values/bad.yaml", "- a\n- b\n");
            issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.WrongType, issue.Code);
            Assert.Equal(vf, issue.File);
            Assert.Equal((1, 1), (issue.Line, issue.Column));
        }

        // ------------------------------------------------------------------ repos

        [Fact]
        public void UnknownRepo_Lists_Known_Repos()
        {
            using var p = new TempProject();
            p.Write("sources.yaml", "helm_repos:\n  bitnami: https://charts.bitnami.com/bitnami\n  jetstack: https://charts.jetstack.io\n");
            p.Config("apps:\n  redis:\n    chart: bitnamy/redis\n");
            var issue = p.Only(ConfigIssueCodes.UnknownRepo, "bitnamy/redis");
            Assert.Contains("repository 'bitnamy'", issue.Message);
            Assert.Contains("(did you mean 'bitnami'?)", issue.Message);
            Assert.Contains("bitnami, jetstack", issue.Message);
            Assert.Equal("bitnamy/redis", issue.Value);
        }

        [Fact]
        public void UnknownRepo_Without_Sources_File()
        {
            using var p = new TempProject(withSources: false);
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n");
            var issue = p.Only(ConfigIssueCodes.UnknownRepo, "bitnami/redis");
            Assert.Contains("no sources.yaml was found", issue.Message);
        }

        [Fact]
        public void InvalidValue_Chart_Reference_And_Type()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: redis\n  b:\n    type: kustomize\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.Equal(ConfigIssueCodes.InvalidValue, issues[0].Code);
            Assert.Equal(p.Pos("redis"), (issues[0].Line, issues[0].Column));
            Assert.Contains("expected repo/chart", issues[0].Message);
            Assert.Equal(ConfigIssueCodes.InvalidValue, issues[1].Code);
            Assert.Equal(p.Pos("kustomize"), (issues[1].Line, issues[1].Column));
            Assert.Contains("expected helm or yaml", issues[1].Message);
        }

        [Fact]
        public void InvalidValue_Set_Path()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    set:\n      a..b: 1\n");
            var issue = p.Only(ConfigIssueCodes.InvalidValue, "a..b");
            Assert.Contains("Invalid 'set' path 'a..b'", issue.Message);
        }

        [Fact]
        public void MissingField_Chart_Manifests_Apps()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    version: 1.0.0\n  b:\n    type: yaml\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.MissingField, i.Code));
            Assert.Equal(p.Pos("a:"), (issues[0].Line, issues[0].Column));
            Assert.Contains("has no 'chart'", issues[0].Message);
            Assert.Equal(p.Pos("b:"), (issues[1].Line, issues[1].Column));
            Assert.Contains("has no 'manifests'", issues[1].Message);

            p.Config("namespace: x\n");
            var issue = p.Only(ConfigIssueCodes.MissingField, "namespace");
            Assert.Contains("no 'apps'", issue.Message);
        }

        // ------------------------------------------------------------------ releases and dependencies

        [Fact]
        public void DuplicateRelease_In_One_Namespace()
        {
            using var p = new TempProject();
            p.Config("""
                namespace: ns
                apps:
                  cache:
                    chart: bitnami/redis
                    release_name: redis
                  redis:
                    chart: bitnami/redis
                  elsewhere:
                    chart: bitnami/redis
                    release_name: redis
                    namespace: other
                """);
            var issue = p.Only(ConfigIssueCodes.DuplicateRelease, "redis:");
            Assert.Contains("Release 'redis' of app 'redis' in namespace 'ns' is already used by app 'cache'", issue.Message);
        }

        [Fact]
        public void UnknownDependency_With_DidYouMean()
        {
            using var p = new TempProject();
            p.Config("apps:\n  postgres: {chart: bitnami/postgresql}\n  web:\n    chart: bitnami/nginx\n    depends_on: [postgress]\n");
            var issue = p.Only(ConfigIssueCodes.UnknownDependency, "postgress");
            Assert.Contains("App 'web' depends on 'postgress', which is not an app in this config (did you mean 'postgres'?)", issue.Message);
        }

        [Fact]
        public void DisabledDependency()
        {
            using var p = new TempProject();
            p.Config("apps:\n  db:\n    chart: bitnami/postgresql\n    enabled: false\n  web:\n    chart: bitnami/nginx\n    depends_on: [db]\n");
            var issue = p.Only(ConfigIssueCodes.DisabledDependency, "db]");
            Assert.Contains("depends on 'db', which is disabled", issue.Message);
            // a disabled app depending on a disabled app is fine
            p.Config("apps:\n  db:\n    chart: bitnami/postgresql\n    enabled: false\n  web:\n    chart: bitnami/nginx\n    enabled: false\n    depends_on: [db]\n");
            Assert.Empty(p.Validate());
        }

        [Fact]
        public void DependencyCycle_Message_Shows_The_Cycle()
        {
            using var p = new TempProject();
            p.Config("""
                apps:
                  a: {chart: bitnami/a, depends_on: [b]}
                  b: {chart: bitnami/b, depends_on: [c]}
                  c: {chart: bitnami/c, depends_on: [a]}
                  d: {chart: bitnami/d, depends_on: [a]}
                """);
            var issue = p.Only(ConfigIssueCodes.DependencyCycle, "b]");
            Assert.Contains("Dependency cycle: a -> b -> c -> a", issue.Message);
            Assert.Equal("a -> b -> c -> a", issue.Value);
        }

        [Fact]
        public void DependencyCycle_Self()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/a\n    depends_on: [a]\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.DependencyCycle, issue.Code);
            Assert.Contains("a -> a", issue.Message);
            Assert.Equal(4, issue.Line);
        }

        [Fact]
        public void InDependencyOrder_Diamond_Topological_Ties_By_File_Order()
        {
            using var p = new TempProject();
            p.Config("""
                apps:
                  web: {chart: bitnami/web, depends_on: [api, worker]}
                  worker: {chart: bitnami/worker, depends_on: [db]}
                  api: {chart: bitnami/api, depends_on: [db]}
                  db: {chart: bitnami/db}
                  extra: {chart: bitnami/extra}
                  off: {chart: bitnami/off, enabled: false}
                """);
            var order = p.Load().InDependencyOrder().Select(a => a.Name).ToList();
            Assert.Equal(new[] { "db", "worker", "api", "web", "extra" }, order);
        }

        [Fact]
        public void InDependencyOrder_Independent_Apps_Keep_File_Order()
        {
            using var p = new TempProject();
            p.Config("apps:\n  z: {chart: bitnami/z}\n  y: {chart: bitnami/y}\n  x: {chart: bitnami/x, depends_on: [z]}\n");
            Assert.Equal(new[] { "z", "y", "x" }, p.Load().InDependencyOrder().Select(a => a.Name));
        }

        // ------------------------------------------------------------------ durations

        [Theory]
        [InlineData("300", "did you mean '300s'?")]
        [InlineData("5 minutes", "Go duration")]
        [InlineData("-5m", "Go duration")]
        [InlineData("5M", "Go duration")]
        public void InvalidDuration(string written, string hint)
        {
            using var p = new TempProject();
            p.Config($"apps:\n  a:\n    chart: bitnami/redis\n    timeout: {written}\n");
            var issue = p.Only(ConfigIssueCodes.InvalidDuration, written);
            Assert.Contains($"Invalid timeout '{written}' in app 'a'", issue.Message);
            Assert.Contains(hint, issue.Message);
            Assert.Equal(written, issue.Value);
        }

        // ------------------------------------------------------------------ path traversal

        [Fact]
        public void PathOutsideProject_Values_Traversal()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    values: [../../etc/passwd]\n");
            var issue = p.Only(ConfigIssueCodes.PathOutsideProject, "../../etc/passwd");
            Assert.Contains("resolves outside the project directory", issue.Message);
            Assert.Equal("../../etc/passwd", issue.Value);
        }

        [Fact]
        public void PathOutsideProject_Absolute_And_Sibling()
        {
            using var p = new TempProject();
            File.WriteAllText(Path.Combine(p.Root, "secret.yaml"), "a: 1\n");
            var abs = Path.Combine(p.Root, "secret.yaml");
            p.Config($"apps:\n  a:\n    chart: bitnami/redis\n    values: [\"{abs.Replace("\\", "\\\\")}\", ../secret.yaml]\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.PathOutsideProject, i.Code));
        }

        [Fact]
        public void PathOutsideProject_Manifests()
        {
            using var p = new TempProject();
            File.WriteAllText(Path.Combine(p.Root, "outside.yaml"), "kind: X\n");
            p.Config("apps:\n  w:\n    type: yaml\n    manifests: [../outside.yaml, ../*.yaml]\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.PathOutsideProject, i.Code));
            Assert.Equal(p.Pos("../outside.yaml"), (issues[0].Line, issues[0].Column));
            Assert.Equal(p.Pos("../*.yaml"), (issues[1].Line, issues[1].Column));
        }

        [Fact]
        public void PathOutsideProject_Symlink_Escaping_Project()
        {
            if (OperatingSystem.IsWindows()) return;
            using var p = new TempProject();
            var outside = Path.Combine(p.Root, "outside");
            Directory.CreateDirectory(outside);
            File.WriteAllText(Path.Combine(outside, "v.yaml"), "a: 1\n");
            Directory.CreateSymbolicLink(Path.Combine(p.Dir, "linked"), outside);
            File.CreateSymbolicLink(Path.Combine(p.Dir, "file-link.yaml"), Path.Combine(outside, "v.yaml"));
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    values: [linked/v.yaml, file-link.yaml]\n");
            var issues = p.Validate();
            Assert.Equal(2, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.PathOutsideProject, i.Code));
            // a symlink that stays inside the project is fine
            p.Write("real/v.yaml", "a: 1\n");
            Directory.CreateSymbolicLink(Path.Combine(p.Dir, "inner"), Path.Combine(p.Dir, "real"));
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    values: [inner/v.yaml]\n");
            Assert.Empty(p.Validate());
        }

        // ------------------------------------------------------------------ YAML problems in config

        [Fact]
        public void MalformedYaml_Config_Has_Parser_Position()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n   bad: [1\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.MalformedYaml, issue.Code);
            Assert.Equal(p.ConfigFile, issue.File);
            Assert.True(issue.Line >= 3, issue.ToString());
            Assert.True(issue.Column >= 1);
            Assert.StartsWith($"{p.ConfigFile}:{issue.Line}:{issue.Column}: Malformed YAML", issue.ToString());
        }

        [Fact]
        public void DuplicateKey_In_Config()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n  a:\n    chart: bitnami/nginx\n");
            var issue = p.Only(ConfigIssueCodes.DuplicateKey, "a:", 2);
            Assert.Contains("Duplicate key 'a'", issue.Message);
        }

        [Fact]
        public void TooLarge_Config()
        {
            using var p = new TempProject();
            p.Config("apps: {}\n# " + new string('x', (1 << 20) + 10) + "\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.TooLarge, issue.Code);
            Assert.Equal(p.ConfigFile, issue.File);
        }

        [Fact]
        public void TooLarge_Values_File()
        {
            using var p = new TempProject();
            var vf = p.Write("values/huge.yaml", "a: \"" + new string('x', (8 << 20) + 1) + "\"\n");
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    values: [huge.yaml]\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.TooLarge, issue.Code);
            Assert.Equal(vf, issue.File);
            var ex = Assert.Throws<ConfigException>(() => YamlValues.LoadFile(vf));
            Assert.Equal(ConfigIssueCodes.TooLarge, ex.Code);
        }

        [Fact]
        public void TooDeep_Config()
        {
            using var p = new TempProject();
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    set:\n      x: " + new string('[', 100) + new string(']', 100) + "\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.TooDeep, issue.Code);
            Assert.Equal(5, issue.Line);
        }

        [Fact]
        public void TooManyNodes_Billion_Laughs_In_Config_Fails_Fast()
        {
            using var p = new TempProject();
            p.Config(YamlValuesTests.BillionLaughs + "apps: {}\n");
            // Expanded, the document would not fit in memory: the node limit is what stops it.
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.TooManyNodes, issue.Code);
        }

        // ------------------------------------------------------------------ all at once

        [Fact]
        public void All_Errors_Are_Reported_At_Once_In_Order()
        {
            using var p = new TempProject();
            p.Config("""
                namespace: Bad_NS
                apps:
                  redis:
                    chart: bitnami/redis
                    verison: 1.0
                    enabled: maybe
                    values: [missing.yaml]
                    timeout: 300
                  web:
                    chart: nope/web
                    depends_on: [ghost]
                """);
            var issues = p.Validate();
            Assert.Equal(new[]
            {
                ConfigIssueCodes.InvalidName, ConfigIssueCodes.UnknownKey, ConfigIssueCodes.WrongType,
                ConfigIssueCodes.MissingFile, ConfigIssueCodes.InvalidDuration, ConfigIssueCodes.UnknownRepo,
                ConfigIssueCodes.UnknownDependency,
            }, issues.Select(i => i.Code));
            Assert.Equal(issues.OrderBy(i => i.Line).Select(i => i.Line), issues.Select(i => i.Line));
            var ex = Assert.Throws<ConfigException>(() => p.Load());
            Assert.Equal(issues.Count, ex.Issues.Count);
            var lines = ex.Message.Split(Environment.NewLine);
            Assert.Equal(issues.Count, lines.Length);
            Assert.All(lines, l => Assert.StartsWith(p.ConfigFile + ":", l));
        }

        [Fact]
        public void Validate_Never_Throws_For_Garbage()
        {
            using var p = new TempProject();
            foreach (var text in new[] { "", "\0\0\0", "{{{{", "apps: !!binary AAAA", "? [a]\n: b\n", "apps:\n  a: *nope\n", "%YAML 9.9\n---\na: 1" })
            {
                p.Config(text);
                var issues = p.Validate();
                Assert.NotEmpty(issues);
            }
        }
    }
}
