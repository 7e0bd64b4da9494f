using System;
using System.IO;
using System.Linq;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    public class SourcesTests
    {
        private const string OneApp = "apps:\n  a: {chart: bitnami/redis}\n";

        [Fact]
        public void Full_Sources_Are_Loaded()
        {
            using var p = new TempProject(withSources: false);
            p.Write("kube/config", "apiVersion: v1\n");
            var text = """
                kubeconfig: kube/config
                kube_context: prod
                helm_repos:
                  bitnami: https://charts.bitnami.com/bitnami
                  private:
                    url: https://charts.example.com
                    username: ci
                    password: hunter2-secret
                oci_registries:
                  - ghcr.io
                  - host: registry.example.com:5000
                    username: bot
                    password: oci-secret
                """;
            p.Write("sources.yaml", text);
            p.Config(OneApp);
            Assert.Empty(p.Validate());
            var s = p.Load().Sources;
            Assert.Equal(Path.Combine(p.Dir, "kube", "config"), s.Kubeconfig);
            Assert.Equal("prod", s.KubeContext);
            Assert.Equal(new[] { "bitnami", "private" }, s.HelmRepos.Select(r => r.Name));
            var priv = s.FindRepo("private")!;
            Assert.Equal("ci", priv.Username);
            Assert.Equal("hunter2-secret", priv.Password);
            Assert.DoesNotContain("hunter2", priv.ToString());
            Assert.Contains("***", priv.ToString());
            Assert.Equal(new[] { "ghcr.io", "registry.example.com:5000" }, s.OciRegistries.Select(o => o.Host));
            Assert.Equal("oci-secret", s.OciRegistries[1].Password);
            Assert.DoesNotContain("oci-secret", s.OciRegistries[1].ToString());
        }

        [Fact]
        public void OciRegistries_Map_Form()
        {
            using var p = new TempProject(withSources: false);
            p.Write("sources.yaml", "oci_registries:\n  ghcr.io:\n  quay.io: {username: u, password: p}\n");
            p.Config("apps:\n  a: {chart: oci://ghcr.io/x/y}\n");
            Assert.Empty(p.Validate());
            var regs = p.Load().Sources.OciRegistries;
            Assert.Equal(new[] { "ghcr.io", "quay.io" }, regs.Select(r => r.Host));
            Assert.Equal("u", regs[1].Username);
        }

        [Fact]
        public void Sources_In_Parent_Directory_Are_Found()
        {
            using var p = new TempProject(withSources: false);
            File.WriteAllText(Path.Combine(p.Root, "sources.yaml"), TempProject.BitnamiSources);
            p.Config(OneApp);
            Assert.Empty(p.Validate());
            Assert.Equal(Path.Combine(p.Root, "sources.yaml"), p.Load().Sources.File);
        }

        [Fact]
        public void Sources_In_Config_Dir_Win_Over_Parent()
        {
            using var p = new TempProject();
            File.WriteAllText(Path.Combine(p.Root, "sources.yaml"), "helm_repos: {other: https://x.example.com}\n");
            p.Config(OneApp);
            Assert.Empty(p.Validate());
            Assert.Equal(Path.Combine(p.Dir, "sources.yaml"), p.Load().Sources.File);
        }

        [Fact]
        public void HelmRepo_Url_Userinfo_Redacted_In_ToString()
        {
            var r = new HelmRepository { Name = "x", Url = "https://user:pw123@charts.example.com", Password = "pw123" };
            Assert.DoesNotContain("pw123", r.ToString());
        }

        [Fact]
        public void UnknownKey_In_Sources_With_DidYouMean()
        {
            using var p = new TempProject(withSources: false);
            var text = "helm_repo:\n  bitnami: https://charts.bitnami.com/bitnami\n";
            var file = p.Write("sources.yaml", text);
            p.Config("apps:\n  a: {chart: oci://ghcr.io/a/b}\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.UnknownKey, issue.Code);
            Assert.Equal(file, issue.File);
            Assert.Equal((1, 1), (issue.Line, issue.Column));
            Assert.Contains("Unknown key 'helm_repo' in sources.yaml (did you mean 'helm_repos'?)", issue.Message);
        }

        [Fact]
        public void Bad_Repos_Never_Leak_Credentials()
        {
            using var p = new TempProject(withSources: false);
            var text = """
                helm_repos:
                  priv:
                    url: ftp://user:topsecret1@charts.example.com
                    username: ci
                    password: topsecret2
                    pasword: topsecret3
                  nourl:
                    password: topsecret4
                  "bad/name": https://x.example.com
                oci_registries:
                  - host: https://ghcr.io
                    password: [topsecret5]
                """;
            var file = p.Write("sources.yaml", text);
            p.Config("apps:\n  a: {chart: priv/redis}\n");
            var issues = p.Validate();
            var codes = issues.Select(i => i.Code).ToList();
            Assert.Equal(new[]
            {
                ConfigIssueCodes.InvalidValue, ConfigIssueCodes.UnknownKey, ConfigIssueCodes.MissingField,
                ConfigIssueCodes.InvalidName, ConfigIssueCodes.InvalidValue, ConfigIssueCodes.WrongType,
            }, codes);
            Assert.All(issues, i => Assert.Equal(file, i.File));
            var all = string.Join("\n", issues.Select(i => i.ToString() + i.Value + i.Expected));
            Assert.DoesNotContain("topsecret", all);
            Assert.Equal(TempProject.PosIn(text, "ftp://"), (issues[0].Line, issues[0].Column));
            Assert.Contains("(did you mean 'password'?)", issues[1].Message);
            Assert.Contains("write the host without a scheme", issues[4].Message);
            var ex = Assert.Throws<ConfigException>(() => p.Load());
            Assert.DoesNotContain("topsecret", ex.Message);
        }

        [Fact]
        public void WrongType_HelmRepos_List_And_Sources_Not_Map()
        {
            using var p = new TempProject(withSources: false);
            var file = p.Write("sources.yaml", "helm_repos:\n  - https://charts.bitnami.com/bitnami\n");
            p.Config("apps:\n  a: {chart: oci://ghcr.io/a/b}\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.WrongType, issue.Code);
            Assert.Equal((2, 3), (issue.Line, issue.Column));
            Assert.Contains("'helm_repos' in sources.yaml must be a map", issue.Message);

            p.Write("sources.yaml", "just a string\n");
            issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.WrongType, issue.Code);
            Assert.Equal(file, issue.File);
        }

        [Fact]
        public void MissingFile_Kubeconfig()
        {
            using var p = new TempProject(withSources: false);
            var file = p.Write("sources.yaml", "kubeconfig: ./nope/config\n");
            p.Config("apps:\n  a: {chart: oci://ghcr.io/a/b}\n");
            var issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.MissingFile, issue.Code);
            Assert.Equal(file, issue.File);
            Assert.Equal((1, 13), (issue.Line, issue.Column));
            Assert.Contains("Kubeconfig './nope/config'", issue.Message);
        }

        [Fact]
        public void Malformed_Sources_And_Config_Both_Reported()
        {
            using var p = new TempProject(withSources: false);
            var sources = p.Write("sources.yaml", "helm_repos: {a: b\n");
            p.Config("apps:\n  a:\n    chart: bitnami/redis\n    enabled: maybe\n");
            var issues = p.Validate();
            Assert.Contains(issues, i => i.File == sources && i.Code == ConfigIssueCodes.MalformedYaml);
            Assert.Contains(issues, i => i.File == p.ConfigFile && i.Code == ConfigIssueCodes.WrongType);
        }
    }
}

namespace SBKube.Core.Tests.Config
{
    public class ConfigFuzzTests
    {
        [Fact]
        public void Validate_Never_Throws_On_Mutated_Configs()
        {
            using var p = new TempProject();
            p.Write("values/redis.yaml", "architecture: standalone\n");
            const string seed = "namespace: state-demo\napps:\n  redis:\n    type: helm\n    chart: bitnami/redis\n    version: 17.13.2\n    values:\n      - redis.yaml\n    depends_on: [x]\n    set: {a.b: 1, c[0]: &x y}\n    z: *x\n";
            const string alphabet = ":-[]{}&*!|>'\"%@`#, \n\t?~\\\0ab1.";
            var rng = new System.Random(12345);
            for (int n = 0; n < 400; n++)
            {
                var chars = seed.ToCharArray().ToList();
                var edits = rng.Next(1, 6);
                for (int e = 0; e < edits; e++)
                {
                    var pos = rng.Next(chars.Count);
                    switch (rng.Next(3))
                    {
                        case 0: chars.RemoveAt(pos); break;
                        case 1: chars.Insert(pos, alphabet[rng.Next(alphabet.Length)]); break;
                        default: chars[pos] = alphabet[rng.Next(alphabet.Length)]; break;
                    }
                }
                p.Config(new string(chars.ToArray()));
                var issues = p.Validate();
                Assert.All(issues, i => Assert.False(string.IsNullOrEmpty(i.Code)));
            }
        }
    }
}
