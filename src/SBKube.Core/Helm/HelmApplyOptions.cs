using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace SBKube.Core.Helm
{
    /// <summary>
    /// How Helm applies an app's objects and waits for them, beyond wait/timeout/atomic: the config.yaml keys
    /// wait (a strategy), wait_for_jobs, server_side, force_conflicts and take_ownership. Kept with each revision,
    /// so a rollback applies its objects the way that revision did.
    /// </summary>
    public sealed class HelmApplyOptions
    {
        /// <summary>Helm 4's wait strategies (<c>--wait=STRATEGY</c>).</summary>
        public static readonly IReadOnlyList<string> WaitStrategies = new[] { "watcher", "legacy", "hookOnly" };

        /// <summary>With wait on: the strategy asked for; null for plain <c>--wait</c>, the detected Helm's default.</summary>
        public string? WaitStrategy { get; set; }
        public bool WaitForJobs { get; set; }
        /// <summary>"true" or "false"; null for Helm 4's own choice (auto: as the release was last applied).</summary>
        public string? ServerSide { get; set; }
        public bool ForceConflicts { get; set; }
        public bool TakeOwnership { get; set; }

        /// <summary>The keys set that only Helm 4 has, as config.yaml writes them.</summary>
        public IReadOnlyList<string> Helm4Only()
        {
            var keys = new List<string>();
            if (WaitStrategy != null) keys.Add("wait: " + WaitStrategy);
            if (ServerSide != null) keys.Add("server_side: " + ServerSide);
            if (ForceConflicts) keys.Add("force_conflicts");
            return keys;
        }

        /// <summary>The flags for an upgrade --install, or for a rollback (which has no --take-ownership).</summary>
        internal void AddTo(List<string> args, bool wait, bool rollback)
        {
            if (wait) args.Add(WaitStrategy == null ? "--wait" : "--wait=" + WaitStrategy);
            if (WaitForJobs) args.Add("--wait-for-jobs");
            if (ServerSide != null) args.Add("--server-side=" + ServerSide);
            if (ForceConflicts) args.Add("--force-conflicts");
            if (TakeOwnership && !rollback) args.Add("--take-ownership");
        }

        /// <summary>Adds the keys that are set to a snapshot's flags (unset ones are left out, so older snapshots keep their hash).</summary>
        public void WriteTo(JsonObject flags)
        {
            if (WaitStrategy != null) flags["wait_strategy"] = WaitStrategy;
            if (WaitForJobs) flags["wait_for_jobs"] = true;
            if (ServerSide != null) flags["server_side"] = ServerSide;
            if (ForceConflicts) flags["force_conflicts"] = true;
            if (TakeOwnership) flags["take_ownership"] = true;
        }

        public static HelmApplyOptions ReadFrom(JsonObject flags) => new HelmApplyOptions
        {
            WaitStrategy = (string?)flags["wait_strategy"],
            WaitForJobs = (bool?)flags["wait_for_jobs"] ?? false,
            ServerSide = (string?)flags["server_side"],
            ForceConflicts = (bool?)flags["force_conflicts"] ?? false,
            TakeOwnership = (bool?)flags["take_ownership"] ?? false,
        };

        public HelmApplyOptions Clone() => (HelmApplyOptions)MemberwiseClone();
    }
}
