using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Engine;
using SBKube.Core.Security;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>Manifest apps compared per Kubernetes object and field, secrets masked.</summary>
    public sealed class ManifestComparerTests
    {
        private const string Deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: frontend\nspec:\n  replicas: {0}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:{1}\n";
        private const string Service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\n  namespace: shop\n";

        private static List<(string Path, object? A, object? B, bool Sensitive)> Compare(ManifestFile[] a, ManifestFile[] b,
            bool showSecrets = false)
        {
            var rows = new List<(string, object?, object?, bool)>();
            var redactor = new SecretRedactor { FingerprintKey = Enumerable.Repeat((byte)7, 32).ToArray() };
            Assert.True(ManifestComparer.TryCompare(a, b, redactor, showSecrets,
                (path, x, y, sensitive) => rows.Add((path, JsonPlain.ToPlain(x), JsonPlain.ToPlain(y), sensitive))));
            return rows;
        }

        private static ManifestFile File(string name, string content) => new ManifestFile(name, content);

        [Fact]
        public void A_changed_field_is_one_row_named_by_object_and_path()
        {
            var rows = Compare(new[] { File("deploy.yaml", string.Format(Deploy, 3, "1.25")) },
                new[] { File("deploy.yaml", string.Format(Deploy, 5, "1.27")) });

            Assert.Equal(new[]
            {
                ("Deployment/frontend spec.replicas", (object?)3L, (object?)5L, false),
                ("Deployment/frontend spec.template.spec.containers[0].image", "nginx:1.25", "nginx:1.27", false),
            }, rows);
        }

        [Fact]
        public void Added_and_removed_objects_are_reported_with_their_namespace_even_when_they_move_between_files()
        {
            var rows = Compare(new[] { File("all.yaml", string.Format(Deploy, 1, "1") + "---\n" + Service) },
                new[] { File("deploy.yaml", string.Format(Deploy, 1, "1")), File("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n") });

            Assert.Equal(new[]
            {
                ("Service/shop/frontend", (object?)ManifestComparer.Present, (object?)ManifestComparer.Absent, false),
                ("ConfigMap/settings", ManifestComparer.Absent, ManifestComparer.Present, false),
            }, rows);
        }

        [Fact]
        public void A_changed_Secret_value_shows_changed_as_two_fingerprints_never_in_clear()
        {
            string secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {0}\n  user: app\n";
            var rows = Compare(new[] { File("s.yaml", string.Format(secret, "Hunter2-Rev1")) }, new[] { File("s.yaml", string.Format(secret, "Hunter2-Rev2")) });

            var row = Assert.Single(rows);
            Assert.Equal("Secret/db stringData.password", row.Path);
            Assert.True(row.Sensitive);
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)row.A!);
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)row.B!);
            Assert.NotEqual(row.A, row.B);
            var shown = Compare(new[] { File("s.yaml", string.Format(secret, "Hunter2-Rev1")) }, new[] { File("s.yaml", string.Format(secret, "Hunter2-Rev2")) }, showSecrets: true);
            Assert.Equal(("Hunter2-Rev1", "Hunter2-Rev2"), ((string)shown[0].A!, (string)shown[0].B!));
        }

        [Fact]
        public void A_Secret_inside_a_List_is_compared_masked_too()
        {
            string list = "apiVersion: v1\nkind: List\nmetadata:\n  name: bundle\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n  stringData:\n    settings: {0}\n";
            var rows = Compare(new[] { File("l.yaml", string.Format(list, "Tok-In-List-1")) }, new[] { File("l.yaml", string.Format(list, "Tok-In-List-2")) });

            var row = Assert.Single(rows);
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)row.A!);
            Assert.Matches("^\\*\\*\\*:[0-9a-f]{8}$", (string)row.B!);
            Assert.DoesNotContain("Tok-In-List", row.Path);
        }

        [Fact]
        public void Files_that_are_not_objects_with_a_kind_and_a_name_are_left_to_the_text_comparison()
        {
            var redactor = new SecretRedactor();
            Assert.False(ManifestComparer.TryCompare(new[] { File("a.yaml", "just: values\n") }, new[] { File("a.yaml", "just: other\n") },
                redactor, false, (p, x, y, s) => { }));
            Assert.False(ManifestComparer.TryObjects(new[] { File("a.yaml", "kind: [unclosed\n") }, out _));
        }

        [Fact]
        public void A_revision_lists_its_objects()
        {
            Assert.True(ManifestComparer.TryObjects(new[] { File("all.yaml", string.Format(Deploy, 1, "1") + "---\n" + Service + "---\n") }, out var objects));
            Assert.Equal(new[] { "Deployment/frontend", "Service/shop/frontend" }, objects.Select(o => o.Key));
        }
    }
}
