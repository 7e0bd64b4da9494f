using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    /// <summary>Path traversal, YAML problems and every issue at once.</summary>
    public partial class ConfigLoaderTests
    {
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
