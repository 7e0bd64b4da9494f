using System.Collections.Generic;
using System.Linq;
using SBKube.Core.Config;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>The actions a plan can hold; strings, like <see cref="AppOutcome"/>, so every tool writes their names.</summary>
    public static class PlannedAction
    {
        public const string Install = nameof(Install);
        public const string Upgrade = nameof(Upgrade);
        /// <summary>The config is unchanged but the release was changed outside SBKube: deploy it again.</summary>
        public const string Redeploy = nameof(Redeploy);
        /// <summary>The recorded config is deployed and Helm agrees: nothing to do.</summary>
        public const string Unchanged = nameof(Unchanged);
        /// <summary>Planning the app failed (a Helm or config error); executing it reports the failure.</summary>
        public const string Fail = nameof(Fail);
        /// <summary>A rollback's plan: the app returns to a recorded revision.</summary>
        public const string Rollback = nameof(Rollback);
        /// <summary>A delete's plan: the release is uninstalled, its history kept.</summary>
        public const string Uninstall = nameof(Uninstall);
    }

    /// <summary>One app's planned change, decided once; execution carries it out without deciding again.</summary>
    public sealed class PlannedApp
    {
        internal PlannedApp(AppConfig app, string action, string? description, RevisionSnapshot? snapshot, string? configHash,
            DeploymentRecord? deployed, string? failure = null, string? failureId = null, string? drift = null, NextStep? failureNext = null)
        {
            FailureNext = failureNext;
            Drift = drift;
            App = app;
            Action = action;
            Description = description;
            Snapshot = snapshot;
            ConfigHash = configHash;
            Deployed = deployed;
            Failure = failure;
            FailureId = failureId;
        }

        public AppConfig App { get; }
        public string Namespace => App.Namespace;
        public string Name => App.Name;
        public string Action { get; }
        /// <summary>The revision's description, secrets masked ("Updated values").</summary>
        public string? Description { get; }
        /// <summary>The hash of the config it deploys.</summary>
        public string? ConfigHash { get; }
        /// <summary>The revision deployed when the plan was made; execution refuses to go on if that changed.</summary>
        public DeploymentRecord? Deployed { get; }
        public string? Failure { get; }
        /// <summary>What Helm shows that SBKube did not record (someone ran helm by hand), or null.</summary>
        public string? Drift { get; }
        public string? FailureId { get; }
        /// <summary>What to do about the failure, when the error says (a cluster that cannot be reached: check the kube context).</summary>
        public NextStep? FailureNext { get; }
        internal RevisionSnapshot? Snapshot { get; }
        /// <summary>With a plan that asks Helm: the manifest deployed now (helm get manifest) and the one the change would deploy.</summary>
        internal string? DeployedManifest { get; private set; }
        internal string? PlannedManifest { get; private set; }

        internal PlannedApp WithManifests(string? deployed, string planned)
        {
            DeployedManifest = deployed;
            PlannedManifest = planned;
            return this;
        }

        public bool ChangesCluster => Action == PlannedAction.Install || Action == PlannedAction.Upgrade || Action == PlannedAction.Redeploy;

        /// <summary>The change as ShouldProcess names the operation (also in its -Verbose line, so no "Would").</summary>
        public string Operation => Action switch
        {
            PlannedAction.Install => "Install: " + Description,
            PlannedAction.Upgrade => "Upgrade: " + Description,
            PlannedAction.Redeploy => "Redeploy: " + Description,
            PlannedAction.Unchanged => "Unchanged",
            _ => "Fail: " + Failure,
        };

        /// <summary>What the plan says it would do (the -WhatIf objects and sbkube --dry-run).</summary>
        public string Message => Action == PlannedAction.Unchanged ? Operation : Would(Operation);

        /// <summary>An operation as a plan says it: "Upgrade: x" becomes "Would upgrade: x".</summary>
        internal static string Would(string operation) => "Would " + char.ToLowerInvariant(operation[0]) + operation.Substring(1);
    }

    /// <summary>What an apply would do, app by app in dependency order.</summary>
    public sealed class ApplyPlan
    {
        internal ApplyPlan(SbkubeConfig config, IReadOnlyList<PlannedApp> apps, ApplyOptions options, bool confirmed = false)
        {
            Config = config;
            Apps = apps;
            Options = options;
            Confirmed = confirmed;
        }

        public SbkubeConfig Config { get; }
        public IReadOnlyList<PlannedApp> Apps { get; }
        public ApplyOptions Options { get; }

        /// <summary>
        /// Someone confirmed this plan: an app that changed since is refused (PlanOutdated) rather than planned
        /// again, because what they confirmed is no longer what would happen.
        /// </summary>
        public bool Confirmed { get; }

        /// <summary>The plan as confirmed: limited to <paramref name="names"/>, the apps someone said yes to.</summary>
        public ApplyPlan ConfirmedFor(IReadOnlyCollection<string> names) =>
            new ApplyPlan(Config, Apps.Where(a => names.Contains(a.Name)).ToList(), Options, confirmed: true);
    }
}
