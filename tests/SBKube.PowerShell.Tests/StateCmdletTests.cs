using System;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Cmdlets;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>The read-only state cmdlets, hosted in-process, over a DB filled through StateStore.</summary>
    public sealed class StateCmdletTests : IDisposable
    {
        private readonly PsHost _ps = new PsHost();

        public void Dispose() => _ps.Dispose();

        /// <summary>The seed's three redis revisions (values, then chart bump) plus one postgres.</summary>
        private void Seed()
        {
            StateStore store = _ps.Store();
            Deploy(store, "redis", "17.13.2", "1Gi", "state-demo-v1", "Initial deployment");
            Deploy(store, "redis", "17.13.2", "2Gi", "state-demo-v2", "Updated values");
            Deploy(store, "redis", "18.0.0", "2Gi", "state-demo-v3", "Upgraded chart 17.13.2 → 18.0.0");
            Deploy(store, "postgres", "12.0.0", "5Gi", "pg-pass", "Initial deployment");
        }

        private static void Deploy(StateStore store, string app, string version, string size, string password, string description)
        {
            var snapshot = new RevisionSnapshot
            {
                ReleaseName = app,
                Namespace = "state-demo",
                ChartRef = "bitnami/" + app,
                ChartName = app,
                ChartVersion = version,
                Values = (JsonObject)JsonNode.Parse(
                    $"{{\"architecture\":\"standalone\",\"auth\":{{\"password\":\"{password}\"}},\"master\":{{\"persistence\":{{\"size\":\"{size}\"}}}}}}")!,
            };
            DeploymentRecord pending = store.BeginDeployment(new NewDeployment
            {
                Namespace = "state-demo",
                App = app,
                ReleaseName = app,
                Chart = app + "-" + version,
                ChartRef = snapshot.ChartRef,
                ChartVersion = version,
                Status = DeploymentStatus.PendingUpgrade,
                Description = description,
                Config = snapshot.ToJsonString(),
                ConfigHash = snapshot.ComputeHash(),
            });
            store.FinishDeployment(pending.Id, DeploymentStatus.Deployed, pending.Revision, description,
                pending.Revision == 1 ? HistoryAction.Deploy : HistoryAction.Upgrade);
        }

        private static void AssertError(PsResult r, string errorIdPrefix, ErrorCategory category)
        {
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.StartsWith(errorIdPrefix, e.FullyQualifiedErrorId);
            Assert.Equal(category, e.CategoryInfo.Category);
        }

        [Fact]
        public void AllCmdletsAreRegistered()
        {
            Assert.Contains(typeof(GetSbkubeStateCommand), PsHost.Cmdlets);
            Assert.Contains(typeof(GetSbkubeHistoryCommand), PsHost.Cmdlets);
            Assert.Contains(typeof(GetSbkubeDeploymentCommand), PsHost.Cmdlets);
            PsResult r = _ps.Run("Get-Command -Name *-Sbkube* | Select-Object -ExpandProperty Name");
            Assert.Contains("Get-SbkubeState", r.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void GetState_WithoutAStore_SaysSo_AndCreatesNothing()
        {
            PsResult r = _ps.Run("Get-SbkubeState -StatePath $StatePath");
            Assert.Equal("StateStore.NotFound,SBKube.PowerShell.Cmdlets.GetSbkubeStateCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.Empty(r.Output);
            Assert.False(System.IO.File.Exists(_ps.StatePath));
        }

        [Fact]
        public void GetState_OnAnEmptyDatabase_ReturnsNothing()
        {
            SBKube.Core.State.StateStore.Open(_ps.StatePath);
            PsResult r = _ps.Run("Get-SbkubeState -StatePath $StatePath");
            Assert.Empty(r.Errors);
            Assert.Empty(r.Output);
        }

        [Fact]
        public void GetState_ListsRecords_FiltersAndLatest()
        {
            Seed();
            PsResult all = _ps.Run("Get-SbkubeState -StatePath $StatePath");
            Assert.Empty(all.Errors);
            Assert.Equal(4, all.Output.Count);
            Assert.All(all.Output, o => Assert.IsType<DeploymentRecord>(o.BaseObject));

            PsResult redis = _ps.Run("Get-SbkubeState -StatePath $StatePath -Namespace state-demo -App redis");
            Assert.Equal(new[] { 1, 2, 3 }, redis.Output.Select(o => ((DeploymentRecord)o.BaseObject).Revision).ToArray());

            PsResult latest = _ps.Run("Get-SbkubeState -StatePath $StatePath -Latest");
            Assert.Equal(2, latest.Output.Count);
            Assert.Equal(3, latest.Output.Select(o => (DeploymentRecord)o.BaseObject).Single(d => d.App == "redis").Revision);
        }

        [Fact]
        public void GetState_FormatJson_IsTheSeedsJsonList()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeState -StatePath $StatePath -Format Json");
            // One line per revision between "[" and "]": the lines joined are the document.
            Assert.Equal(6, r.Output.Count);
            string json = string.Join("\n", r.Output.Select(o => (string)o.BaseObject));
            JsonArray arr = (JsonArray)JsonNode.Parse(json)!;
            Assert.Equal(4, arr.Count);
            Assert.Equal("state-demo", (string?)arr[0]!["namespace"]);
            Assert.NotNull(arr[0]!["revision"]);
        }

        [Fact]
        public void GetState_FormatJson_Of_An_Empty_Store_Is_An_Empty_List()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeState -StatePath $StatePath -Namespace nothing-here -Format Json");
            Assert.Equal("[]", (string)Assert.Single(r.Output).BaseObject);
        }

        [Fact]
        public void GetState_FormatTable_Is_The_Seeds_Table_With_Widths_From_The_Data()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeState -StatePath $StatePath -Format Table");
            string[] lines = r.Output.Select(o => (string)o.BaseObject).ToArray();
            Assert.Equal(5, lines.Length);
            Assert.Matches("^NAMESPACE {3}APP {7}REVISION {2}STATUS {6}DEPLOYED AT {10}CHART$", lines[0]);
            Assert.Matches(@"^state-demo {2}postgres {2}1 {9}deployed {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}postgres-12\.0\.0$", lines[1]);
            // Every column starts where its header does.
            Assert.All(lines.Skip(1), l => Assert.Equal(lines[0].IndexOf("CHART", StringComparison.Ordinal), l.IndexOf("redis-", StringComparison.Ordinal) >= 0
                ? l.IndexOf("redis-", StringComparison.Ordinal) : l.IndexOf("postgres-", StringComparison.Ordinal)));
        }

        [Fact]
        public void GetHistory_OfAnUnknownApp_IsAnObjectNotFoundError()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeHistory -StatePath $StatePath -Namespace state-demo -App nope");
            Assert.Empty(r.Output);
            AssertError(r, "AppNotFound", ErrorCategory.ObjectNotFound);
            Assert.Equal("state-demo/nope", r.Errors[0].TargetObject);
        }

        [Fact]
        public void GetHistory_IsAscending_AndLimitKeepsTheNewest()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeHistory -StatePath $StatePath -Namespace state-demo -App redis");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { 1, 2, 3 }, r.Output.Select(o => ((DeploymentRecord)o.BaseObject).Revision).ToArray());

            PsResult last = _ps.Run("Get-SbkubeHistory state-demo redis -StatePath $StatePath -Limit 1");
            Assert.Equal(3, ((DeploymentRecord)Assert.Single(last.Output).BaseObject).Revision);
        }

        [Theory]
        [InlineData("abc")]
        [InlineData("0")]
        [InlineData("-1")]
        [InlineData("99999999999999999999")]
        public void GetDeployment_BadRevision_IsInvalidRevision(string revision)
        {
            Seed();
            PsResult r = _ps.Run($"Get-SbkubeDeployment -StatePath $StatePath -Namespace state-demo -App redis -Revision '{revision}'");
            Assert.Empty(r.Output);
            AssertError(r, "InvalidRevision", ErrorCategory.InvalidArgument);
        }

        [Fact]
        public void GetDeployment_MissingRevision_IsRevisionNotFound()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeDeployment -StatePath $StatePath -Namespace state-demo -App redis -Revision 9");
            AssertError(r, "RevisionNotFound", ErrorCategory.ObjectNotFound);
        }

        [Fact]
        public void GetDeployment_CurrentByDefault_WithSecretsMasked()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeDeployment -StatePath $StatePath -Namespace state-demo -App redis");
            Assert.Empty(r.Errors);
            DeploymentDetail d = Assert.IsType<DeploymentDetail>(Assert.Single(r.Output).BaseObject);
            Assert.Equal(3, d.Revision);
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)((OrderedDictionary)d.Values["auth"]!)["password"]!);
            Assert.Equal("2Gi", ((OrderedDictionary)((OrderedDictionary)d.Values["master"]!)["persistence"]!)["size"]);

            // Also through PowerShell's own property access.
            PsResult viaPs = _ps.Run("(Get-SbkubeDeployment -StatePath $StatePath state-demo redis 2).Values.auth.password");
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)Assert.Single(viaPs.Output).BaseObject);
        }

        [Fact]
        public void GetDeployment_ShowSecrets_RevealsThem()
        {
            Seed();
            PsResult r = _ps.Run("(Get-SbkubeDeployment -StatePath $StatePath -Namespace state-demo -App redis -Revision 2 -ShowSecrets).Values.auth.password");
            Assert.Empty(r.Errors);
            Assert.Equal("state-demo-v2", Assert.Single(r.Output).BaseObject);
        }

        [Fact]
        public void GetDeployment_FormatYaml_HasTheSeedsShape()
        {
            Seed();
            PsResult r = _ps.Run("Get-SbkubeDeployment -StatePath $StatePath -Namespace state-demo -App redis -Revision 3 -Format Yaml");
            Assert.Empty(r.Errors);
            string yaml = ((string)Assert.Single(r.Output).BaseObject).Replace("\r\n", "\n");
            Assert.StartsWith("namespace: state-demo\napp: redis\nrevision: 3\nstatus: deployed\nchart: redis-18.0.0\n", yaml);
            Assert.Contains("\nvalues:\n", yaml);
            Assert.DoesNotContain("state-demo-v3", yaml);

            PsResult shown = _ps.Run("Get-SbkubeDeployment -StatePath $StatePath state-demo redis 3 -Format Yaml -ShowSecrets");
            Assert.Contains("password: state-demo-v3", (string)Assert.Single(shown.Output).BaseObject);
        }

        [Fact]
        public void GetDeployment_BindsNamespaceAppAndRevisionFromThePipelineByPropertyName()
        {
            Seed();
            PsResult r = _ps.Run(
                "[pscustomobject]@{ Namespace = 'state-demo'; App = 'redis'; Revision = 1 }, " +
                "[pscustomobject]@{ Namespace = 'state-demo'; App = 'postgres'; Revision = 'current' } | " +
                "Get-SbkubeDeployment -StatePath $StatePath");
            Assert.Empty(r.Errors);
            DeploymentDetail[] details = r.Output.Select(o => (DeploymentDetail)o.BaseObject).ToArray();
            Assert.Equal(2, details.Length);
            Assert.Equal(("redis", 1), (details[0].App, details[0].Revision));
            Assert.Equal(("postgres", 1), (details[1].App, details[1].Revision));
            Assert.Equal("1Gi", ((OrderedDictionary)((OrderedDictionary)details[0].Values["master"]!)["persistence"]!)["size"]);
        }

        [Fact]
        public void HistoryPipedIntoGetDeployment_ShowsEachRevision()
        {
            Seed();
            PsResult r = _ps.Run(
                "Get-SbkubeHistory -StatePath $StatePath -Namespace state-demo -App redis | Select-Object -Last 2 | Get-SbkubeDeployment -StatePath $StatePath");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { 2, 3 }, r.Output.Select(o => ((DeploymentDetail)o.BaseObject).Revision).ToArray());
        }

        [Fact]
        public void NotADatabase_IsAClearError_AndTheFileIsUntouched()
        {
            string path = System.IO.Path.Combine(_ps.Dir, "notes.txt");
            string content = string.Concat(Enumerable.Repeat("not sqlite at all\n", 50));
            System.IO.File.WriteAllText(path, content);
            PsResult r = _ps.Run($"Get-SbkubeState -StatePath '{path}'");
            AssertError(r, "StateStore.NotADatabase", ErrorCategory.InvalidData);
            Assert.Equal(content, System.IO.File.ReadAllText(path));
        }

        [Fact]
        public void GetHistory_RequiresNamespaceAndApp()
        {
            PsResult r = _ps.Run("Get-SbkubeHistory -StatePath $StatePath -Namespace state-demo -App ''");
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.StartsWith("ParameterArgumentValidationError", e.FullyQualifiedErrorId);
        }
    }
}
