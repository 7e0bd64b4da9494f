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
        public async Task DeployAsync_PassesTheMergedValuesOnStdin_NeverInAFile()
        {
            using var fake = new FakeHelm();
            using var db = new TempDb();
            IStateStore store = db.Open();
            var session = new EngineSession(store, store, "", new HelmClient(new HelmOptions { Executable = fake.Executable }),
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

            DeployOutcome outcome = await session.Changes.DeployAsync(snapshot, "redis", "Updated values", CancellationToken.None);

            Assert.Equal(2, outcome.HelmRevision);
            string[] args = fake.Last;
            Assert.Equal(new[] { "upgrade", "--install", "--namespace", "state-demo" }, args.Take(4));
            Assert.Equal(new[] { "--", "redis", "bitnami/redis" }, args.Skip(args.Length - 3));
            FakeHelm.HasPair(args, "--version", "17.13.2");
            FakeHelm.HasPair(args, "--timeout", "5m");
            FakeHelm.HasPair(args, "--history-max", "10");
            FakeHelm.HasPair(args, "--description", "Updated values");
            Assert.Contains("--wait", args);
            Assert.DoesNotContain(args, a => a.Contains("pw-123"));
            FakeHelm.HasPair(args, "--values", "-");
            Assert.DoesNotContain("-f", args);
            JsonNode sent = JsonNode.Parse(fake.Stdin(fake.CallIndex(args))!)!;
            Assert.True(JsonNode.DeepEquals(snapshot.Values, sent), sent.ToJsonString());
        }
    }
}
