using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    /// <summary>config.yaml refused for unknown keys, wrong types and bad names.</summary>
    public partial class ConfigLoaderTests
    {
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
        public void Helm4_options_are_read_and_a_value_neither_boolean_nor_known_is_refused()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    wait: hookOnly\n    server_side: auto\n    force_conflicts: true\n    take_ownership: true\n    wait_for_jobs: true\n");
            AppConfig app = p.Load().Apps.Single();
            Assert.True(app.Wait);
            Assert.Equal("hookOnly", app.Apply.WaitStrategy);
            Assert.Null(app.Apply.ServerSide);
            Assert.True(app.Apply.IsOn("force_conflicts") && app.Apply.IsOn("take_ownership") && app.Apply.IsOn("wait_for_jobs"));
            Assert.Equal(new[] { "wait: hookOnly", "force_conflicts" }, app.Apply.Helm4Only());

            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n    server_side: maybe\n");
            ConfigIssue issue = p.Only(ConfigIssueCodes.InvalidValue, "maybe");
            Assert.Contains("'server_side' in app 'redis' must be true, false or auto, got 'maybe'", issue.Message);
        }

        [Fact]
        public void A_credential_reference_of_an_unknown_shape_is_named_with_the_shapes_it_may_take()
        {
            using var p = new TempProject();
            p.Config("apps:\n  redis:\n    chart: bitnami/redis\n");
            p.Write("sources.yaml", "helm_repos:\n  bitnami:\n    url: https://charts.example.com\n    password: {file: /etc/pw}\n");
            ConfigIssue issue = Assert.Single(p.Validate());
            Assert.Equal(ConfigIssueCodes.UnknownKey, issue.Code);
            Assert.Contains("Unknown key 'file' in 'password' of helm repo 'bitnami' in sources.yaml; expected a string, {env: VARIABLE} or {secret: NAME, vault: VAULT}", issue.Message);
            Assert.Equal(4, issue.Line);
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
    }
}
