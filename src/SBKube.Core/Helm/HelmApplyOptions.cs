using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace SBKube.Core.Helm
{
    /// <summary>An on/off Helm option of an app: its config.yaml key (also its key in a revision's snapshot) and Helm's flag.</summary>
    public sealed class HelmSwitch
    {
        internal HelmSwitch(string key, string flag, bool helm4Only, bool onRollback)
        {
            Key = key;
            Flag = flag;
            Helm4Only = helm4Only;
            OnRollback = onRollback;
        }

        public string Key { get; }
        public string Flag { get; }
        /// <summary>Only Helm 4 has the flag: a Helm 3 fails the plan (HelmOptionUnsupported).</summary>
        public bool Helm4Only { get; }
        /// <summary>helm rollback takes the flag too (a rollback applies objects as the revision it returns to did).</summary>
        public bool OnRollback { get; }
    }

    /// <summary>
    /// How Helm applies an app's objects and waits for them, beyond wait/timeout/atomic: the config.yaml keys
    /// wait (a strategy), server_side and the <see cref="Switches"/>. Kept with each revision, so a rollback
    /// applies its objects the way that revision did.
    /// </summary>
    public sealed class HelmApplyOptions
    {
        /// <summary>Helm 4's wait strategies (<c>--wait=STRATEGY</c>).</summary>
        public static readonly IReadOnlyList<string> WaitStrategies = new[] { "watcher", "legacy", "hookOnly" };

        /// <summary>
        /// The on/off options, one entry each: config.yaml reads them, snapshots keep them, and upgrade and rollback pass
        /// them to Helm from this table alone.
        /// </summary>
        public static readonly IReadOnlyList<HelmSwitch> Switches = new[]
        {
            new HelmSwitch("wait_for_jobs", "--wait-for-jobs", helm4Only: false, onRollback: true),
            new HelmSwitch("force_conflicts", "--force-conflicts", helm4Only: true, onRollback: true),
            new HelmSwitch("take_ownership", "--take-ownership", helm4Only: false, onRollback: false),
        };

        private HashSet<string> _on = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>With wait on: the strategy asked for; null for plain <c>--wait</c>, the detected Helm's default.</summary>
        public string? WaitStrategy { get; set; }
        /// <summary>"true" or "false"; null for Helm 4's own choice (auto: as the release was last applied).</summary>
        public string? ServerSide { get; set; }

        /// <summary>Whether the switch of <paramref name="key"/> (one of <see cref="Switches"/>) is on.</summary>
        public bool IsOn(string key) => _on.Contains(key);

        public void Set(string key, bool on)
        {
            if (Switches.All(s => s.Key != key))
            {
                throw new ArgumentException($"'{key}' is not a Helm switch of an app.", nameof(key));
            }
            if (on)
            {
                _on.Add(key);
            }
            else
            {
                _on.Remove(key);
            }
        }

        /// <summary>The keys set that only Helm 4 has, as config.yaml writes them.</summary>
        public IReadOnlyList<string> Helm4Only()
        {
            var keys = new List<string>();
            if (WaitStrategy != null) keys.Add("wait: " + WaitStrategy);
            if (ServerSide != null) keys.Add("server_side: " + ServerSide);
            keys.AddRange(Switches.Where(s => s.Helm4Only && IsOn(s.Key)).Select(s => s.Key));
            return keys;
        }

        /// <summary>The flags for an upgrade --install, or for a rollback (which takes only some switches).</summary>
        internal void AddTo(List<string> args, bool wait, bool rollback)
        {
            if (wait) args.Add(WaitStrategy == null ? "--wait" : "--wait=" + WaitStrategy);
            if (ServerSide != null) args.Add("--server-side=" + ServerSide);
            args.AddRange(Switches.Where(s => IsOn(s.Key) && (s.OnRollback || !rollback)).Select(s => s.Flag));
        }

        /// <summary>Adds the keys that are set to a snapshot's flags (unset ones are left out, so older snapshots keep their hash).</summary>
        public void WriteTo(JsonObject flags)
        {
            if (WaitStrategy != null) flags["wait_strategy"] = WaitStrategy;
            if (ServerSide != null) flags["server_side"] = ServerSide;
            foreach (HelmSwitch s in Switches.Where(s => IsOn(s.Key)))
            {
                flags[s.Key] = true;
            }
        }

        public static HelmApplyOptions ReadFrom(JsonObject flags)
        {
            var options = new HelmApplyOptions
            {
                WaitStrategy = (string?)flags["wait_strategy"],
                ServerSide = (string?)flags["server_side"],
            };
            foreach (HelmSwitch s in Switches)
            {
                options.Set(s.Key, (bool?)flags[s.Key] ?? false);
            }
            return options;
        }

        public HelmApplyOptions Clone()
        {
            var copy = (HelmApplyOptions)MemberwiseClone();
            copy._on = new HashSet<string>(_on, StringComparer.Ordinal);
            return copy;
        }
    }
}
