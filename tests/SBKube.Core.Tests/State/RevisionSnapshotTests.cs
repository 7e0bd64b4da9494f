using System;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    public sealed class RevisionSnapshotTests
    {
        private static RevisionSnapshot Sample(string valuesJson = "{\"architecture\":\"standalone\",\"auth\":{\"password\":\"s3cret\"},\"master\":{\"persistence\":{\"size\":\"1Gi\"}},\"list\":[1,2,3]}") =>
            new RevisionSnapshot
            {
                AppType = "helm",
                ReleaseName = "redis",
                Namespace = "state-demo",
                ChartRef = "bitnami/redis",
                ChartName = "redis",
                ChartVersion = "17.13.2",
                Values = (JsonObject)JsonNode.Parse(valuesJson)!,
                Wait = true,
                Timeout = "5m",
                Atomic = true,
                CreateNamespace = false,
                HistoryMax = 3,
                DependsOn = { "postgres" },
                Manifests = { new ManifestFile("deploy.yaml", "kind: Deployment\n") },
            };

        [Fact]
        public void Json_RoundTripsEveryField()
        {
            RevisionSnapshot s = Sample();
            RevisionSnapshot back = RevisionSnapshot.FromJson(s.ToJsonString());

            Assert.Equal("helm", back.AppType);
            Assert.Equal("redis", back.ReleaseName);
            Assert.Equal("state-demo", back.Namespace);
            Assert.Equal("bitnami/redis", back.ChartRef);
            Assert.Equal("redis", back.ChartName);
            Assert.Equal("17.13.2", back.ChartVersion);
            Assert.True(JsonNode.DeepEquals(s.Values, back.Values));
            Assert.True(back.Wait);
            Assert.Equal("5m", back.Timeout);
            Assert.True(back.Atomic);
            Assert.False(back.CreateNamespace);
            Assert.Equal(3, back.HistoryMax);
            Assert.Equal(new[] { "postgres" }, back.DependsOn);
            ManifestFile m = Assert.Single(back.Manifests);
            Assert.Equal("deploy.yaml", m.File);
            Assert.Equal("kind: Deployment\n", m.Content);
            Assert.Equal(s.ToJsonString(), back.ToJsonString());
            Assert.Equal(s.ComputeHash(), back.ComputeHash());
        }

        [Fact]
        public void FromJson_OfAnEmptyObject_GivesDefaults()
        {
            RevisionSnapshot s = RevisionSnapshot.FromJson("{}");
            Assert.Equal("helm", s.AppType);
            Assert.Empty(s.Values);
            Assert.True(s.CreateNamespace);
            Assert.Null(s.HistoryMax);
        }

        [Fact]
        public void FromJson_OfANonObject_IsAFormatError()
        {
            Assert.Throws<FormatException>(() => RevisionSnapshot.FromJson("[1,2]"));
        }

        [Fact]
        public void Hash_IsStableUnderKeyReordering()
        {
            RevisionSnapshot a = Sample("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1,\"q\":2}]}}");
            RevisionSnapshot b = Sample("{\"b\":{\"y\":[1,{\"q\":2,\"p\":1}],\"x\":\"1\"},\"a\":1}");
            Assert.Equal(a.ComputeHash(), b.ComputeHash());
            Assert.Matches("^[0-9a-f]{64}$", a.ComputeHash());
        }

        [Theory]
        [InlineData("{\"a\":2,\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1,\"q\":2}]}}")] // value changed
        [InlineData("{\"a\":\"1\",\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1,\"q\":2}]}}")] // type changed
        [InlineData("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[{\"p\":1,\"q\":2},1]}}")] // list order matters
        [InlineData("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1,\"q\":2}],\"z\":null}}")] // key added
        [InlineData("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1}]}}")] // key removed
        public void Hash_IsSensitiveToValues(string changed)
        {
            RevisionSnapshot a = Sample("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[1,{\"p\":1,\"q\":2}]}}");
            Assert.NotEqual(a.ComputeHash(), Sample(changed).ComputeHash());
        }

        [Fact]
        public void Hash_IsSensitiveToChartAndFlags()
        {
            string baseline = Sample().ComputeHash();
            RevisionSnapshot version = Sample();
            version.ChartVersion = "18.0.0";
            RevisionSnapshot flags = Sample();
            flags.Wait = false;
            RevisionSnapshot manifests = Sample();
            manifests.Manifests[0] = new ManifestFile("deploy.yaml", "kind: Service\n");

            Assert.NotEqual(baseline, version.ComputeHash());
            Assert.NotEqual(baseline, flags.ComputeHash());
            Assert.NotEqual(baseline, manifests.ComputeHash());
            Assert.Equal(baseline, Sample().ComputeHash());
        }

        [Fact]
        public void StateJson_UsesTheDatabaseColumnNames()
        {
            var r = new DeploymentRecord
            {
                Id = 4, Namespace = "state-demo", App = "redis", Revision = 2, ReleaseName = "redis", Chart = "redis-17.13.2",
                Status = "deployed", DeployedAtUtc = new DateTime(2025, 10, 24, 11, 0, 0, DateTimeKind.Utc), Description = "Updated values",
            };
            var lines = new System.Collections.Generic.List<string>();
            StateJson.WriteLines(lines.Add, sink => sink(r));
            JsonArray arr = (JsonArray)JsonNode.Parse(string.Join("\n", lines))!;
            JsonObject o = (JsonObject)Assert.Single(arr)!;
            Assert.Equal("state-demo", (string?)o["namespace"]);
            Assert.Equal("redis", (string?)o["app"]);
            Assert.Equal(2, (int?)o["revision"]);
            Assert.Equal("deployed", (string?)o["status"]);
            Assert.Equal("redis-17.13.2", (string?)o["chart"]);
            Assert.Equal("2025-10-24T11:00:00.000Z", (string?)o["deployed_at"]);
            Assert.Contains("release_name", o.Select(p => p.Key));
        }
    }
}
