using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Tests.Config;
using Xunit;

namespace SBKube.Core.Tests.Helm
{
    /// <summary>An on/off Helm option is one entry of HelmApplyOptions.Switches: config.yaml, snapshots and argv all follow it.</summary>
    public sealed class HelmApplyOptionsTests
    {
        public static IEnumerable<object[]> EachSwitch() => HelmApplyOptions.Switches.Select(s => new object[] { s.Key });

        private static HelmSwitch Switch(string key) => HelmApplyOptions.Switches.Single(s => s.Key == key);

        private static List<string> Args(HelmApplyOptions o, bool rollback)
        {
            var args = new List<string>();
            o.AddTo(args, wait: true, rollback);
            return args;
        }

        [Theory]
        [MemberData(nameof(EachSwitch))]
        public void A_switch_of_the_table_is_read_from_config_kept_in_the_snapshot_and_passed_to_helm(string key)
        {
            using var p = new TempProject();
            p.Config($"apps:\n  redis:\n    chart: bitnami/redis\n    {key}: true\n");
            HelmApplyOptions read = p.Load().Apps.Single().Apply;
            Assert.True(read.IsOn(key));

            var flags = new JsonObject();
            read.WriteTo(flags);
            Assert.Equal(new[] { key }, flags.Select(f => f.Key));
            Assert.True(HelmApplyOptions.ReadFrom(flags).IsOn(key));

            HelmSwitch s = Switch(key);
            Assert.Equal(new[] { "--wait", s.Flag }, Args(read, rollback: false));
            Assert.Equal(s.OnRollback ? new[] { "--wait", s.Flag } : new[] { "--wait" }, Args(read, rollback: true));
            Assert.Equal(s.Helm4Only ? new[] { key } : Array.Empty<string>(), read.Helm4Only());

            p.Config($"apps:\n  redis:\n    chart: bitnami/redis\n    {key}: sometimes\n");
            Assert.Contains($"'{key}'", p.Only(ConfigIssueCodes.WrongType, "sometimes").Message);
        }

        [Fact]
        public void Upgrade_and_rollback_get_the_flags_helm_has_for_each()
        {
            var o = new HelmApplyOptions { WaitStrategy = "legacy", ServerSide = "true" };
            o.Set("wait_for_jobs", true);
            o.Set("force_conflicts", true);
            o.Set("take_ownership", true);
            Assert.Equal(new[] { "--wait=legacy", "--server-side=true", "--wait-for-jobs", "--force-conflicts", "--take-ownership" }, Args(o, rollback: false));
            Assert.Equal(new[] { "--wait=legacy", "--server-side=true", "--wait-for-jobs", "--force-conflicts" }, Args(o, rollback: true));
            Assert.Equal(new[] { "wait: legacy", "server_side: true", "force_conflicts" }, o.Helm4Only());
        }

        [Fact]
        public void A_clone_is_switched_on_its_own_and_an_unknown_switch_is_refused()
        {
            var o = new HelmApplyOptions();
            o.Set("wait_for_jobs", true);
            HelmApplyOptions copy = o.Clone();
            copy.Set("wait_for_jobs", false);
            Assert.True(o.IsOn("wait_for_jobs"));
            Assert.False(copy.IsOn("wait_for_jobs"));
            Assert.Throws<ArgumentException>(() => o.Set("wait_for_job", true));
        }
    }
}
