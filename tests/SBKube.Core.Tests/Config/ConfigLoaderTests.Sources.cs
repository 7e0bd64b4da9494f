using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    /// <summary>Values files, repositories, releases, dependencies and durations.</summary>
    public partial class ConfigLoaderTests
    {
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
    }
}
