using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    public class ArchiveTests
    {
        /// <summary>Several namespaces, failures, a rollback, a pending row, non-ASCII text, and id gaps from a prune.</summary>
        private static void Populate(OpsDb db)
        {
            db.Deploy("state-demo", "redis", action: HistoryAction.Deploy, description: "Initial deployment");
            db.Deploy("state-demo", "redis", password: "state-demo-v2", description: "Updated values");
            db.Deploy("state-demo", "redis", DeploymentStatus.Failed, version: "18.0.0", description: "Upgraded chart (FAILED)");
            db.Deploy("state-demo", "redis", password: "state-demo-v2", action: HistoryAction.Rollback, description: "Rollback to revision 2");
            db.Deploy("production", "web", description: "배포 — première");
            db.Deploy("production", "web", DeploymentStatus.Uninstalled, action: HistoryAction.Delete, description: "deleted");
            db.Deploy("production", "api");
            db.Deploy("production", "api");
            db.Deploy("production", "api");
            db.Begin("production", "api");
            db.Store.PruneBySummary(new PruneRequest { Namespace = "production", App = "api", KeepLast = 2 });
        }

        private static string WithoutExportedAt(string json) =>
            Regex.Replace(json, "\"exported_at\": \"[^\"]*\"", "\"exported_at\": \"\"");

        [Fact]
        public void Export_import_export_is_lossless()
        {
            using var source = new OpsDb();
            Populate(source);
            string first = source.Store.ExportJson();

            using var target = new OpsDb();
            ImportResult result = target.Store.Import(first);
            target.Clock.Advance(TimeSpan.FromDays(3));
            string second = target.Store.ExportJson();

            Assert.Equal(source.Store.List().Count, result.Imported);
            Assert.Equal(0, result.Skipped);
            Assert.Equal(0, result.Conflicts);
            Assert.Equal(WithoutExportedAt(first), WithoutExportedAt(second));
            Assert.NotEqual(first, second); // only exported_at differs
            Assert.Equal(
                source.Store.List().Select(r => (r.Namespace, r.App, r.Revision, r.Status, r.DeployedAtUtc, r.Config, r.ConfigHash, r.Description)),
                target.Store.List().Select(r => (r.Namespace, r.App, r.Revision, r.Status, r.DeployedAtUtc, r.Config, r.ConfigHash, r.Description)));
            Assert.Single(target.Store.HistoryEntries(action: HistoryAction.Rollback));
        }

        [Fact]
        public void The_document_has_the_documented_shape_and_unredacted_config()
        {
            using var db = new OpsDb();
            db.Deploy("state-demo", "redis", password: "s3cret-v1", description: "Initial deployment");

            JsonObject doc = JsonNode.Parse(db.Store.ExportJson())!.AsObject();

            Assert.Equal("sbkube-state", (string?)doc["format"]);
            Assert.Equal(StateStore.SchemaVersion, (int)doc["schema_version"]!);
            Assert.Equal("2025-10-24T11:00:00.000Z", (string?)doc["exported_at"]);
            JsonObject d = doc["deployments"]!.AsArray().Single()!.AsObject();
            Assert.Equal(new[]
            {
                "context", "namespace", "app", "revision", "release_name", "app_type", "chart", "chart_ref", "chart_version",
                "status", "helm_revision", "deployed_at", "description", "config", "config_hash", "owner_pid", "owner_host", "owner_instance", "history",
            }, d.Select(p => p.Key));
            Assert.Equal("2025-10-24T10:00:00.000Z", (string?)d["deployed_at"]);
            Assert.IsType<JsonObject>(d["config"]);
            Assert.Equal("s3cret-v1", (string?)d["config"]!["values"]!["auth"]!["password"]);
            JsonObject h = d["history"]!.AsArray().Single()!.AsObject();
            Assert.Equal("upgrade", (string?)h["action"]);
            Assert.Equal("Initial deployment", (string?)h["description"]);
        }

        [Fact]
        public void Revision_numbers_of_imported_rows_are_not_given_again_after_the_rows_are_deleted()
        {
            using var source = new OpsDb();
            Populate(source);
            using var target = new OpsDb();
            target.Store.Import(source.Store.ExportJson());
            OpsDb.Exec(target.StatePath, "DELETE FROM deployments WHERE namespace = 'state-demo'");

            Assert.Equal(5, target.Deploy("state-demo", "redis").Revision);
        }

        [Fact]
        public void Export_filters_by_namespace_and_app()
        {
            using var db = new OpsDb();
            Populate(db);
            JsonArray deployments = JsonNode.Parse(db.Store.ExportJson("production", "web"))!["deployments"]!.AsArray();
            Assert.Equal(2, deployments.Count);
            Assert.All(deployments, d => Assert.Equal("web", (string?)d!["app"]));
        }

        [Fact]
        public void Importing_the_same_file_twice_creates_no_duplicates()
        {
            using var source = new OpsDb();
            Populate(source);
            string file = source.File("export.json");
            source.Store.ExportToFile(file);

            using var target = new OpsDb();
            ImportResult first = target.Store.ImportFile(file);
            long historyAfterFirst = OpsDb.Count(target.StatePath, "SELECT COUNT(*) FROM deployment_history");
            ImportResult second = target.Store.ImportFile(file);

            Assert.Equal(file, second.Path);
            Assert.Equal(0, second.Imported);
            Assert.Equal(first.Imported, second.Skipped);
            Assert.Equal(0, second.Conflicts);
            Assert.Equal(first.Imported, target.Store.List().Count);
            Assert.Equal(historyAfterFirst, OpsDb.Count(target.StatePath, "SELECT COUNT(*) FROM deployment_history"));
        }

        [Fact]
        public void Import_into_an_existing_database_adds_only_missing_revisions_and_reports_conflicts()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a", password: "one");
            db.Deploy("ns", "a", password: "two");
            db.Deploy("ns", "b");
            JsonObject doc = JsonNode.Parse(db.Store.ExportJson())!.AsObject();
            JsonArray list = doc["deployments"]!.AsArray();
            // Revision 2 of a has other content in the file; revision 3 of a exists only in the file.
            JsonObject changed = list.Single(d => (string?)d!["app"] == "a" && (int)d!["revision"]! == 2)!.AsObject();
            changed["config_hash"] = "0000000000000000000000000000000000000000000000000000000000000000";
            // The other machine deployed revision 3, so its file has revision 2 superseded (one deployed per app).
            changed["status"] = DeploymentStatus.Superseded;
            JsonObject extra = list.Single(d => (string?)d!["app"] == "a" && (int)d!["revision"]! == 2)!.DeepClone().AsObject();
            extra["revision"] = 3;
            extra["status"] = DeploymentStatus.Deployed;
            extra["description"] = "from the other machine";
            list.Add(extra);
            string originalHash = db.Store.Get("ns", "a", 2)!.ConfigHash!;
            // Its snapshot is revision 2's, so its hash is too (an import checks that a hash is its snapshot's).
            extra["config_hash"] = originalHash;

            ImportResult result = db.Store.Import(doc.ToJsonString());

            Assert.Equal(1, result.Imported);
            Assert.Equal(2, result.Skipped);
            Assert.Equal(1, result.Conflicts);
            ImportConflict c = result.ConflictDetails.Single();
            Assert.Equal(("ns", "a", 2), (c.Namespace, c.App, c.Revision));
            Assert.Equal(originalHash, c.ExistingConfigHash);
            Assert.Contains("revision 2", c.ToString());
            Assert.Equal(originalHash, db.Store.Get("ns", "a", 2)!.ConfigHash);
            Assert.Equal("from the other machine", db.Store.Get("ns", "a", 3)!.Description);
            // Still exactly one deployed revision per app: the newest.
            Assert.Equal(3, db.Store.GetDeployed("ns", "a")!.Revision);
            Assert.Equal(DeploymentStatus.Superseded, db.Store.Get("ns", "a", 2)!.Status);
        }

        [Fact]
        public void WhatIf_counts_exactly_and_changes_nothing()
        {
            using var source = new OpsDb();
            Populate(source);
            string json = source.Store.ExportJson();
            using var target = new OpsDb();

            ImportResult result = target.Store.Import(json, whatIf: true);

            Assert.True(result.WhatIf);
            Assert.Equal(source.Store.List().Count, result.Imported);
            Assert.Empty(target.Store.List());
            Assert.Equal(0, OpsDb.Count(target.StatePath, "SELECT COUNT(*) FROM deployment_history"));
        }

        [Theory]
        [InlineData("not json at all", "not valid JSON")]
        [InlineData("[1,2,3]", "\"format\"")]
        [InlineData("{\"format\":\"something-else\",\"deployments\":[]}", "\"format\"")]
        [InlineData("{\"format\":\"sbkube-state\",\"schema_version\":99,\"deployments\":[]}", "schema version 99")]
        [InlineData("{\"format\":\"sbkube-state\",\"deployments\":[{\"namespace\":\"ns\"}]}", "no app")]
        [InlineData("{\"format\":\"sbkube-state\",\"deployments\":[{\"namespace\":\"ns\",\"app\":\"a\",\"revision\":0}]}", "revision")]
        [InlineData("{\"format\":\"sbkube-state\",\"deployments\":[{\"namespace\":\"ns\",\"app\":\"a\",\"revision\":2147483647,\"status\":\"superseded\"}]}", "revision 2147483647 is not within 1..2147483646")]
        public void A_bad_document_is_refused_with_a_clear_error_and_nothing_imported(string json, string messagePart)
        {
            using var db = new OpsDb();
            db.Deploy("ns", "keep");
            string file = db.File("bad.json");
            File.WriteAllText(file, json);

            var e = Assert.Throws<SbkubeException>(() => db.Store.ImportFile(file));

            Assert.Equal("Import.InvalidDocument", e.ErrorId);
            Assert.Contains(file, e.Message);
            Assert.Contains(messagePart, e.Message);
            Assert.Single(db.Store.List());
        }

        private static string Doc(params string[] rows) =>
            "{\"format\":\"sbkube-state\",\"schema_version\":1,\"deployments\":[" + string.Join(",", rows) + "]}";

        private static string Row(string extra, int revision = 1, string status = "superseded") =>
            "{\"namespace\":\"ns\",\"app\":\"a\",\"revision\":" + revision + ",\"status\":\"" + status + "\"" + extra + "}";

        [Theory]
        [InlineData(",\"context\":\"--post-renderer=/bin/sh\"", "its context '--post-renderer=/bin/sh'")]
        [InlineData(",\"context\":\"prod; id\"", "its context 'prod; id'")]
        [InlineData(",\"release_name\":\"--dry-run\"", "its release name '--dry-run'")]
        [InlineData(",\"chart_ref\":\"--repo=http://evil\"", "its chart_ref '--repo=http://evil'")]
        [InlineData(",\"chart_version\":\"--devel\"", "its chart_version '--devel'")]
        [InlineData(",\"app_type\":\"shell\"", "its app_type 'shell'")]
        public void Names_that_would_reach_helm_as_flags_are_refused(string extra, string messagePart)
        {
            using var db = new OpsDb();
            var e = Assert.Throws<SbkubeException>(() => db.Store.Import(Doc(Row(extra))));
            Assert.Equal("Import.InvalidDocument", e.ErrorId);
            Assert.Contains("deployments[0] cannot be imported: " + messagePart, e.Message);
            Assert.Empty(db.Store.List());
        }

        [Fact]
        public void A_snapshot_that_names_another_release_or_lies_about_its_hash_is_refused()
        {
            using var db = new OpsDb();
            // The row says imp/evil; its snapshot would deploy proc/redis with the attacker's values.
            var snapshot = new RevisionSnapshot { Namespace = "proc", ReleaseName = "redis", ChartRef = "bitnami/redis", ChartVersion = "17.13.2" };
            string config = System.Text.Json.JsonSerializer.Serialize(snapshot.ToJsonString());
            string redirected = "{\"namespace\":\"imp\",\"app\":\"evil\",\"revision\":1,\"status\":\"deployed\",\"release_name\":\"evil\"," +
                "\"chart_ref\":\"bitnami/redis\",\"config\":" + config + ",\"config_hash\":\"" + snapshot.ComputeHash() + "\"}";
            var e = Assert.Throws<SbkubeException>(() => db.Store.Import(Doc(redirected)));
            Assert.Contains("deployments[0] (imp/evil revision 1) cannot be imported: its snapshot is for namespace 'proc', not 'imp'", e.Message);

            snapshot.Namespace = "imp";
            string otherRelease = redirected.Replace(config, System.Text.Json.JsonSerializer.Serialize(snapshot.ToJsonString()));
            e = Assert.Throws<SbkubeException>(() => db.Store.Import(Doc(otherRelease)));
            Assert.Contains("its snapshot is for release 'redis', not 'evil'", e.Message);

            snapshot.ReleaseName = "evil";
            string lying = "{\"namespace\":\"imp\",\"app\":\"evil\",\"revision\":1,\"status\":\"deployed\",\"release_name\":\"evil\"," +
                "\"chart_ref\":\"bitnami/redis\",\"config\":" + System.Text.Json.JsonSerializer.Serialize(snapshot.ToJsonString()) + ",\"config_hash\":\"0000\"}";
            e = Assert.Throws<SbkubeException>(() => db.Store.Import(Doc(lying)));
            Assert.Contains("its config_hash 0000 is not the hash of its config", e.Message);
            Assert.Empty(db.Store.List());
        }

        [Fact]
        public void Bad_namespaces_statuses_duplicates_and_two_deployed_revisions_are_refused()
        {
            using var db = new OpsDb();
            (string Json, string Part)[] cases =
            {
                (Doc(Row("").Replace("\"ns\"", "\"NS x\"")), "its namespace 'NS x'"),
                (Doc(Row("", status: "exploded")), "its status 'exploded'"),
                (Doc(Row(""), Row("")), "deployments[1] cannot be imported: it repeats revision 1 of ns/a (first at deployments[0])"),
                (Doc(Row("", 1, "deployed"), Row("", 2, "deployed")), "it is a second deployed revision of ns/a"),
            };
            foreach ((string json, string part) in cases)
            {
                var e = Assert.Throws<SbkubeException>(() => db.Store.Import(json));
                Assert.Contains(part, e.Message);
            }
            Assert.Empty(db.Store.List());
        }

        [Fact]
        public void A_valid_entry_before_a_bad_one_is_rolled_back()
        {
            using var db = new OpsDb();
            string json = "{\"format\":\"sbkube-state\",\"schema_version\":1,\"deployments\":[" +
                "{\"namespace\":\"ns\",\"app\":\"ok\",\"revision\":1,\"status\":\"deployed\",\"history\":[]}," +
                "{\"namespace\":\"ns\",\"revision\":2}]}";
            Assert.Throws<SbkubeException>(() => db.Store.Import(json));
            Assert.Empty(db.Store.List());
        }

        [Fact]
        public void Export_to_file_is_private()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            FileInfo file = db.Store.ExportToFile(db.File("out.json"));
            Assert.True(file.Exists);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FullName));
            }
            Assert.Equal("sbkube-state", (string?)JsonNode.Parse(File.ReadAllText(file.FullName))!["format"]);
        }
    }
}
