using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.Core.Tests.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>RevisionComparer, DeploymentDetail, RevisionRef, DriftDetector, SnapshotBuilder helpers.</summary>
    public sealed class RevisionViewsTests
    {
        internal static DeploymentRecord Record(int revision, string chartRef, string version, string valuesJson,
            string status = DeploymentStatus.Deployed)
        {
            var s = new RevisionSnapshot
            {
                ReleaseName = "redis",
                Namespace = "state-demo",
                ChartRef = chartRef,
                ChartName = SnapshotBuilder.ChartName(chartRef),
                ChartVersion = version,
                Values = (JsonObject)JsonNode.Parse(valuesJson)!,
            };
            return new DeploymentRecord
            {
                Id = revision,
                Namespace = "state-demo",
                App = "redis",
                Revision = revision,
                ReleaseName = "redis",
                Chart = s.ChartName + "-" + version,
                ChartRef = chartRef,
                ChartVersion = version,
                Status = status,
                DeployedAtUtc = new DateTime(2025, 10, 24, 10 + revision, 0, 0, DateTimeKind.Utc),
                Description = "rev " + revision,
                Config = s.ToJsonString(),
                ConfigHash = s.ComputeHash(),
            };
        }

        private const string V2 = "{\"architecture\":\"standalone\",\"auth\":{\"password\":\"state-demo-v2\"},\"master\":{\"persistence\":{\"size\":\"1Gi\"}},\"list\":[1,2]}";
        private const string V3 = "{\"architecture\":\"standalone\",\"auth\":{\"password\":\"state-demo-v3\"},\"master\":{\"persistence\":{\"size\":\"2Gi\"}},\"list\":[1,2],\"extra\":true}";

        [Fact]
        public void Compare_ListsChartVersionAndValuePaths()
        {
            IReadOnlyList<RevisionDifference> diff = RevisionComparer.Compare(
                Record(2, "bitnami/redis", "17.13.2", V2), Record(3, "bitnami/redis", "18.0.0", V3), new SecretRedactor(), false);

            var byPath = diff.ToDictionary(d => d.Path);
            Assert.Equal(new[] { "version", "values.auth.password", "values.master.persistence.size", "values.extra" }.OrderBy(p => p),
                byPath.Keys.OrderBy(p => p));
            Assert.Equal("17.13.2", byPath["version"].Reference);
            Assert.Equal("18.0.0", byPath["version"].Difference);
            Assert.Equal("1Gi", byPath["values.master.persistence.size"].Reference);
            Assert.Equal("2Gi", byPath["values.master.persistence.size"].Difference);
            Assert.Null(byPath["values.extra"].Reference);
            Assert.Equal(true, byPath["values.extra"].Difference);
            Assert.All(diff, d =>
            {
                Assert.Equal(2, d.ReferenceRevision);
                Assert.Equal(3, d.DifferenceRevision);
                Assert.Equal("redis", d.App);
            });
        }

        [Fact]
        public void Compare_Lists_ReportEachChangedIndex()
        {
            const string A = "{\"hosts\":[\"a\",\"b\"],\"users\":[{\"name\":\"x\",\"password\":\"p1\"}]}";
            const string B = "{\"hosts\":[\"a\",\"c\",\"d\"],\"users\":[{\"name\":\"x\",\"password\":\"p2\"}]}";
            var byPath = RevisionComparer.Compare(Record(1, "bitnami/redis", "17.13.2", A), Record(2, "bitnami/redis", "17.13.2", B),
                new SecretRedactor(), false).ToDictionary(d => d.Path);

            Assert.Equal(new[] { "values.hosts[1]", "values.hosts[2]", "values.users[0].password" }, byPath.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal("b", byPath["values.hosts[1]"].Reference);
            Assert.Equal("c", byPath["values.hosts[1]"].Difference);
            Assert.Null(byPath["values.hosts[2]"].Reference);
            Assert.Equal("d", byPath["values.hosts[2]"].Difference);
            Assert.Equal("***", byPath["values.users[0].password"].Difference);
        }

        [Fact]
        public void Compare_ChangedSecret_IsListedButMaskedOnBothSides()
        {
            IReadOnlyList<RevisionDifference> diff = RevisionComparer.Compare(
                Record(2, "bitnami/redis", "17.13.2", V2), Record(3, "bitnami/redis", "17.13.2", V3), new SecretRedactor(), false);

            RevisionDifference pw = Assert.Single(diff, d => d.Path == "values.auth.password");
            Assert.Equal("***", pw.Reference);
            Assert.Equal("***", pw.Difference);
            Assert.DoesNotContain(diff, d => (d.Reference?.ToString() ?? "").Contains("state-demo-v") || (d.Difference?.ToString() ?? "").Contains("state-demo-v"));
        }

        [Fact]
        public void Compare_WithShowSecrets_ShowsThem()
        {
            RevisionDifference pw = Assert.Single(RevisionComparer.Compare(
                Record(2, "bitnami/redis", "17.13.2", V2), Record(3, "bitnami/redis", "17.13.2", V3), new SecretRedactor(), true),
                d => d.Path == "values.auth.password");
            Assert.Equal("state-demo-v2", pw.Reference);
            Assert.Equal("state-demo-v3", pw.Difference);
        }

        [Fact]
        public void Compare_ChartChange_AndIdenticalRevisions()
        {
            IReadOnlyList<RevisionDifference> diff = RevisionComparer.Compare(
                Record(1, "bitnami/redis", "17.13.2", V2), Record(2, "oci://registry-1.docker.io/bitnamicharts/redis", "17.13.2", V2), new SecretRedactor(), false);
            RevisionDifference chart = Assert.Single(diff);
            Assert.Equal("chart", chart.Path);
            Assert.Equal("bitnami/redis", chart.Reference);

            Assert.Empty(RevisionComparer.Compare(Record(1, "bitnami/redis", "17.13.2", V2), Record(2, "bitnami/redis", "17.13.2", V2),
                new SecretRedactor(), false));
        }

        [Fact]
        public void Compare_SecretParentKey_MasksTheWholeSubtree()
        {
            IReadOnlyList<RevisionDifference> diff = RevisionComparer.Compare(
                Record(1, "bitnami/redis", "1.0.0", "{\"credentials\":{\"user\":\"a\"}}"),
                Record(2, "bitnami/redis", "1.0.0", "{\"credentials\":{\"user\":\"b\"}}"), new SecretRedactor(), false);
            RevisionDifference d = Assert.Single(diff);
            Assert.Equal("values.credentials.user", d.Path);
            Assert.Equal("***", d.Reference);
            Assert.Equal("***", d.Difference);
        }

        [Fact]
        public void Detail_ToYaml_HasTheSeedShape()
        {
            DeploymentDetail detail = DeploymentDetail.From(Record(3, "bitnami/redis", "18.0.0",
                "{\"architecture\":\"standalone\",\"auth\":{\"password\":\"state-demo-v3\"},\"master\":{\"persistence\":{\"size\":\"2Gi\"}}}"),
                new SecretRedactor(), showSecrets: false);

            string yaml = detail.ToYaml().Replace("\r\n", "\n");
            string[] lines = yaml.Split('\n');

            Assert.Equal("namespace: state-demo", lines[0]);
            Assert.Equal("app: redis", lines[1]);
            Assert.Equal("revision: 3", lines[2]);
            Assert.Equal("status: deployed", lines[3]);
            Assert.Equal("chart: redis-18.0.0", lines[4]);
            Assert.Matches("^deployed_at: '?2025-10-24 \\d\\d:00:00'?$", lines[5]);
            Assert.Equal("values:", lines[6]);
            Assert.Equal(new[]
            {
                "  architecture: standalone",
                "  auth:",
                "    password: '***'",
                "  master:",
                "    persistence:",
                "      size: 2Gi",
            }, lines.Skip(7).Select(l => l.Replace("\"***\"", "'***'")).ToArray());
        }

        [Fact]
        public void Detail_ShowSecrets_RevealsValues_AndValuesAreNestedDictionaries()
        {
            DeploymentRecord r = Record(3, "bitnami/redis", "18.0.0", "{\"auth\":{\"password\":\"state-demo-v3\"}}");
            DeploymentDetail masked = DeploymentDetail.From(r, new SecretRedactor(), false);
            DeploymentDetail shown = DeploymentDetail.From(r, new SecretRedactor(), true);

            Assert.Equal("***", ((OrderedDictionary)masked.Values["auth"]!)["password"]);
            Assert.Equal("state-demo-v3", ((OrderedDictionary)shown.Values["auth"]!)["password"]);
            Assert.Contains("password: state-demo-v3", shown.ToYaml());
            Assert.DoesNotContain("state-demo-v3", masked.ToYaml());
            Assert.DoesNotContain("state-demo-v3", masked.ToJson());
        }

        [Fact]
        public void Detail_Description_HasLearnedSecretsMasked()
        {
            DeploymentRecord r = Record(3, "bitnami/redis", "18.0.0", "{\"auth\":{\"password\":\"hunter2-xyz\"}}");
            r.Description = "Updated values (FAILED: bad password hunter2-xyz)";
            var redactor = new SecretRedactor();
            redactor.Learn(RevisionSnapshot.FromJson(r.Config!).Values);
            Assert.DoesNotContain("hunter2-xyz", DeploymentDetail.From(r, redactor, false).Description);
        }

        [Theory]
        [InlineData("current", null)]
        [InlineData("CURRENT", null)]
        [InlineData(" current ", null)]
        [InlineData("3", 3)]
        [InlineData("1", 1)]
        [InlineData("2147483647", int.MaxValue)]
        public void RevisionRef_Parse_Valid(string text, int? number)
        {
            RevisionRef r = RevisionRef.Parse(text, "revision");
            Assert.Equal(number, r.Number);
            Assert.Equal(number == null, r.IsCurrent);
        }

        [Theory]
        [InlineData("0")]
        [InlineData("-1")]
        [InlineData("abc")]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("1.5")]
        [InlineData("2147483648")]
        [InlineData("99999999999999999999999999")]
        [InlineData("+3")]
        [InlineData("3abc")]
        public void RevisionRef_Parse_Invalid_IsAClearInvalidRevisionError(string? text)
        {
            SbkubeException e = Assert.Throws<SbkubeException>(() => RevisionRef.Parse(text, "-Revision"));
            Assert.Equal("InvalidRevision", e.ErrorId);
            Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
            Assert.Contains("-Revision", e.Message);
            Assert.Contains("current", e.Message);
        }

        [Fact]
        public void RevisionRef_Resolve_CurrentNumberAndMissing()
        {
            using var db = new TempDb();
            StateStore store = db.Open();
            TempDb.Deploy(store);
            TempDb.Deploy(store);
            DeploymentRecord pending = store.BeginDeployment(TempDb.New(status: DeploymentStatus.PendingUpgrade));
            store.FinishDeployment(pending.Id, DeploymentStatus.Failed, null, "boom", HistoryAction.Upgrade);

            Assert.Equal(2, RevisionRef.Parse("current", "revision").Resolve(store, "state-demo", "redis", null).Revision);
            Assert.Equal(1, RevisionRef.Parse("1", "revision").Resolve(store, "state-demo", "redis", null).Revision);

            SbkubeException missingRev = Assert.Throws<SbkubeException>(() => RevisionRef.Parse("9", "revision").Resolve(store, "state-demo", "redis", null));
            Assert.Equal("RevisionNotFound", missingRev.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, missingRev.Kind);
            Assert.Contains("its recorded revisions are 1-3", missingRev.Message);

            SbkubeException missingApp = Assert.Throws<SbkubeException>(() => RevisionRef.Parse("1", "revision").Resolve(store, "state-demo", "nope", null));
            Assert.Equal("AppNotFound", missingApp.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, missingApp.Kind);
        }

        [Fact]
        public void RevisionRef_Current_AfterADelete_IsTheLatestRow()
        {
            using var db = new TempDb();
            StateStore store = db.Open();
            TempDb.Deploy(store);
            DeploymentRecord p = store.BeginDeployment(TempDb.New(status: DeploymentStatus.Uninstalling));
            store.FinishDeployment(p.Id, DeploymentStatus.Uninstalled, null, "Deleted", HistoryAction.Delete);
            DeploymentRecord current = RevisionRef.Parse("current", "revision").Resolve(store, "state-demo", "redis", null);
            Assert.Equal(2, current.Revision);
            Assert.Equal(DeploymentStatus.Uninstalled, current.Status);
        }

        [Fact]
        public void DriftDetector_ComparesHelmWithTheRecord()
        {
            var deployed = new DeploymentRecord { ReleaseName = "redis", HelmRevision = 2, Status = DeploymentStatus.Deployed };
            Assert.Null(DriftDetector.Compare(deployed, new HelmListEntry { Name = "redis", Revision = 2, Status = "deployed" }));
            Assert.Contains("drift", DriftDetector.Compare(deployed, new HelmListEntry { Name = "redis", Revision = 3, Status = "deployed" }));
            Assert.Contains("failed", DriftDetector.Compare(deployed, new HelmListEntry { Name = "redis", Revision = 2, Status = "failed" }));
            Assert.Contains("drift", DriftDetector.Compare(deployed, null));
        }

        [Theory]
        [InlineData("bitnami/redis", "redis")]
        [InlineData("oci://registry-1.docker.io/bitnamicharts/redis", "redis")]
        [InlineData("./charts/my-app/", "my-app")]
        [InlineData("redis", "redis")]
        public void SnapshotBuilder_ChartName(string chartRef, string name) => Assert.Equal(name, SnapshotBuilder.ChartName(chartRef));
    }
}
