using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SBKube.Core.Helm;
using Xunit;

namespace SBKube.Core.Tests.Helm
{
    /// <summary>The parsers against Helm's own golden outputs (tests/golden/helm, v3.21.4 and v4.2.4).</summary>
    public sealed class HelmOutputTests
    {
        internal static string GoldenDir => Path.Combine(AppContext.BaseDirectory, "golden", "helm");

        internal static string Golden(string version, string file)
        {
            string path = Path.Combine(GoldenDir, version, file);
            Assert.True(File.Exists(path), "golden file missing: " + path);
            return File.ReadAllText(path);
        }

        public static IEnumerable<object[]> Versions => new[] { new object[] { "v3.21.4" }, new object[] { "v4.2.4" } };

        [Fact]
        public void GoldenFolder_HasBothVersions()
        {
            Assert.True(File.Exists(Path.Combine(GoldenDir, "v3.21.4", "history.json")));
            Assert.True(File.Exists(Path.Combine(GoldenDir, "v4.2.4", "history.json")));
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void History_Golden_ParsesWithIntRevisionsAndUtcTimes(string version)
        {
            IReadOnlyList<HelmHistoryEntry> h = HelmOutput.ParseHistory(Golden(version, "history.json"));

            Assert.Equal(2, h.Count);
            Assert.Equal(new[] { 3, 4 }, h.Select(e => e.Revision).ToArray());
            Assert.Equal(new[] { "superseded", "deployed" }, h.Select(e => e.Status).ToArray());
            Assert.All(h, e =>
            {
                Assert.Equal("foo-0.1.0-beta.1", e.Chart);
                Assert.Equal("1.0", e.AppVersion);
                Assert.Equal("Release mock", e.Description);
                Assert.Equal(new DateTime(1977, 9, 2, 22, 4, 5, DateTimeKind.Utc), e.Updated);
                Assert.Equal(DateTimeKind.Utc, e.Updated!.Value.Kind);
            });
        }

        [Fact]
        public void List_GoldenV4_ParsesTheStringRevisionAsInt()
        {
            HelmListEntry e = Assert.Single(HelmOutput.ParseList(Golden("v4.2.4", "list-json.txt")));
            Assert.Equal("test-release", e.Name);
            Assert.Equal("default", e.Namespace);
            Assert.Equal(1, e.Revision);
            Assert.Equal("2016-01-16 00:00:00 +0000 UTC", e.Updated);
            Assert.Equal("deployed", e.Status);
            Assert.Equal("test-chart-1.0.0", e.Chart);
            Assert.Equal("0.0.1", e.AppVersion);
        }

        [Fact]
        public void List_OfTheContractSample_ParsesStringRevisionAndGoTime()
        {
            const string json = "[{\"name\":\"redis\",\"namespace\":\"state-demo\",\"revision\":\"3\",\"updated\":\"2025-10-24 12:00:00.123456789 +0000 UTC\",\"status\":\"deployed\",\"chart\":\"redis-18.0.0\",\"app_version\":\"7.2.0\"}]\n";
            HelmListEntry e = Assert.Single(HelmOutput.ParseList(json));
            Assert.Equal(3, e.Revision);
            Assert.Equal("redis-18.0.0", e.Chart);
            Assert.Equal("7.2.0", e.AppVersion);
        }

        [Theory]
        [InlineData("[]")]
        [InlineData("[]\n")]
        [InlineData("")]
        public void List_Empty(string json) => Assert.Empty(HelmOutput.ParseList(json));

        [Fact]
        public void List_ShortJsonGolden_IsRejectedClearly()
        {
            // `helm list -q -o json` prints bare names; that is not what SBKube asks for.
            FormatException e = Assert.Throws<FormatException>(() => HelmOutput.ParseList(Golden("v3.21.4", "list-short-json.txt")));
            Assert.Contains("list", e.Message);
        }

        [Fact]
        public void History_OfNonJson_IsAFormatException()
        {
            Assert.Throws<FormatException>(() => HelmOutput.ParseHistory("REVISION\tUPDATED\n1\tMon"));
            Assert.Throws<FormatException>(() => HelmOutput.ParseHistory("{\"revision\":1}"));
            Assert.Throws<FormatException>(() => HelmOutput.ParseHistory("[1,2]"));
        }

        [Theory]
        [InlineData("v3.21.4", "status.json")]
        [InlineData("v3.21.4", "status-with-resources.json")]
        [InlineData("v4.2.4", "status.json")]
        public void Status_Golden_Parses(string version, string file)
        {
            HelmRelease r = HelmOutput.ParseRelease(Golden(version, file));
            Assert.Equal("flummoxed-chickadee", r.Name);
            Assert.Equal("default", r.Namespace);
            Assert.Equal("deployed", r.Status);
            Assert.Equal(new DateTime(2016, 1, 16, 0, 0, 0, DateTimeKind.Utc), r.LastDeployed);
            Assert.Equal(DateTimeKind.Utc, r.LastDeployed!.Value.Kind);
            Assert.Equal(0, r.Version); // the golden status objects carry no version
            Assert.Null(r.ChartName);
        }

        [Fact]
        public void Release_FromUpgradeJson_ReadsRevisionChartAndConfig()
        {
            const string json = "{\"name\":\"redis\",\"info\":{\"first_deployed\":\"2025-10-24T10:00:00Z\",\"last_deployed\":\"2025-10-24T12:00:00.123456789Z\",\"deleted\":\"\",\"description\":\"Upgrade complete\",\"status\":\"deployed\",\"notes\":\"n\"}," +
                "\"chart\":{\"metadata\":{\"name\":\"redis\",\"version\":\"18.0.0\",\"appVersion\":\"7.2.0\"},\"templates\":[],\"values\":{}},\"config\":{\"auth\":{\"password\":\"x\"}},\"manifest\":\"---\",\"hooks\":[],\"version\":3,\"namespace\":\"state-demo\"}\n";
            HelmRelease r = HelmOutput.ParseRelease(json);
            Assert.Equal(3, r.Version);
            Assert.Equal("redis", r.ChartName);
            Assert.Equal("18.0.0", r.ChartVersion);
            Assert.Equal("7.2.0", r.AppVersion);
            Assert.Equal("Upgrade complete", r.Description);
            Assert.Equal("state-demo", r.Namespace);
            Assert.Equal("x", (string?)r.Config!["auth"]!["password"]);
            // nanoseconds: .NET keeps 100 ns ticks
            Assert.InRange(r.LastDeployed!.Value.Ticks - new DateTime(2025, 10, 24, 12, 0, 0, DateTimeKind.Utc).Ticks, 1234567L, 1234568L);
            Assert.Equal(DateTimeKind.Utc, r.LastDeployed.Value.Kind);
        }

        [Fact]
        public void Release_followed_by_other_output_is_read_from_its_json_alone()
        {
            // A wrapper or plugin that prints after Helm's answer must not turn a deployed release into a failure.
            string json = "{\"name\":\"redis\",\"info\":{\"status\":\"deployed\"},\"version\":4}\n" + new string('x', 100000) + "\n{not json";
            HelmRelease r = HelmOutput.ParseRelease(json);
            Assert.Equal(4, r.Version);
            Assert.Equal("deployed", r.Status);
            Assert.Throws<FormatException>(() => HelmOutput.ParseRelease("{\"name\":\"redis\",\"version\":"));
        }

        [Fact]
        public void Release_OfNonObject_IsAFormatException()
        {
            Assert.Throws<FormatException>(() => HelmOutput.ParseRelease("[]"));
            Assert.Throws<FormatException>(() => HelmOutput.ParseRelease("Release \"x\" has been upgraded. Happy Helming!"));
        }

        [Fact]
        public void RepoList_Parses()
        {
            HelmRepoEntry e = Assert.Single(HelmOutput.ParseRepoList("[{\"name\":\"bitnami\",\"url\":\"https://charts.bitnami.com/bitnami\"}]\n"));
            Assert.Equal("bitnami", e.Name);
            Assert.Equal("https://charts.bitnami.com/bitnami", e.Url);
        }

        [Theory]
        [InlineData("v3.21.4+g8d5f8ba\n", 3)]
        [InlineData("v4.2.4+g0a1b2c3", 4)]
        [InlineData("  v3.0.0  ", 3)]
        [InlineData("v10.1.0+gdeadbee", 10)]
        public void ParseMajorVersion_ReadsTheShortVersion(string text, int major) =>
            Assert.Equal(major, HelmOutput.ParseMajorVersion(text));

        [Theory]
        [InlineData("")]
        [InlineData("garbage")]
        [InlineData("version.BuildInfo{Version:\"v3.21.4\"}")]
        [InlineData("v.3.2")]
        [InlineData("v-3.2")]
        public void ParseMajorVersion_RejectsGarbage(string text)
        {
            FormatException e = Assert.Throws<FormatException>(() => HelmOutput.ParseMajorVersion(text));
            Assert.Contains("Helm", e.Message);
        }
    }
}
