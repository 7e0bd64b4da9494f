using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.Core.Tests.Helm;
using SBKube.Core.Tests.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>EngineSession.DeployAsync against the fake helm: how a snapshot becomes a helm call.</summary>
    public sealed class EngineSessionTests
    {
        [UnixFact]
        public async Task DeployAsync_PassesTheMergedValuesAsAPrivateTempFile_ThenDeletesIt()
        {
            using var fake = new FakeHelm();
            using var db = new TempDb();
            var session = new EngineSession(db.Open(), "", new HelmClient(new HelmOptions { Executable = fake.Executable }),
                new KubectlClient(new KubectlOptions { Executable = "kubectl" }), new SecretRedactor(), NullEngineLog.Instance);
            var snapshot = new RevisionSnapshot
            {
                ReleaseName = "redis",
                Namespace = "state-demo",
                ChartRef = "bitnami/redis",
                ChartName = "redis",
                ChartVersion = "17.13.2",
                Values = (JsonObject)JsonNode.Parse("{\"auth\":{\"password\":\"pw-123\"},\"master\":{\"persistence\":{\"size\":\"2Gi\"}}}")!,
                Wait = true,
                Timeout = "5m",
                HistoryMax = 10,
            };

            DeployOutcome outcome = await session.DeployAsync(snapshot, force: false, "Updated values", CancellationToken.None);

            Assert.Equal(2, outcome.HelmRevision);
            string[] args = fake.Last;
            Assert.Equal(new[] { "upgrade", "--install", "redis", "bitnami/redis", "--namespace", "state-demo" }, args.Take(6));
            FakeHelm.HasPair(args, "--version", "17.13.2");
            FakeHelm.HasPair(args, "--timeout", "5m");
            FakeHelm.HasPair(args, "--history-max", "10");
            FakeHelm.HasPair(args, "--description", "Updated values");
            Assert.Contains("--wait", args);
            Assert.DoesNotContain(args, a => a.Contains("pw-123"));
            string valuesPath = args[System.Array.IndexOf(args, "-f") + 1];
            JsonNode sent = JsonNode.Parse(fake.ValuesCopy(fake.CallIndex(args))!)!;
            Assert.True(JsonNode.DeepEquals(snapshot.Values, sent), sent.ToJsonString());
            Assert.False(File.Exists(valuesPath), "the values file (it holds secrets) was left behind");
        }
    }
}
