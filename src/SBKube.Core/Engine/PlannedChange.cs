using System;
using System.Collections.Generic;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// What an apply, a rollback or a delete would do to one app, for review before it runs (-WhatIf,
    /// --dry-run): the action and the differences against the deployed revision, secrets masked.
    /// </summary>
    public sealed class PlannedChange
    {
        public string Namespace { get; private set; } = "";
        public string App { get; private set; } = "";
        /// <summary>One of the <see cref="PlannedAction"/> names.</summary>
        public string Action { get; private set; } = "";
        public string? Chart { get; private set; }
        /// <summary>The revision deployed now; null for an install.</summary>
        public int? DeployedRevision { get; private set; }
        /// <summary>The description the new revision would get ("Updated values"), or why the plan failed.</summary>
        public string? Description { get; private set; }
        public string? Drift { get; private set; }
        /// <summary>Chart, version, value and manifest differences against the deployed revision (empty for an install).</summary>
        public IReadOnlyList<RevisionDifference> Differences { get; private set; } = Array.Empty<RevisionDifference>();

        public override string ToString() => $"{Namespace}/{App}: {Action}" + (Description == null ? "" : $" ({Description})");

        /// <summary>A plan entry as the reviewer sees it; compares the planned snapshot with the deployed one.</summary>
        public static PlannedChange From(PlannedApp p, SecretRedactor redactor)
        {
            var change = new PlannedChange
            {
                Namespace = p.Namespace,
                App = p.Name,
                Action = p.Action,
                DeployedRevision = p.Deployed?.Revision,
                Description = p.Action == PlannedAction.Fail ? p.Failure : p.Description,
                Drift = p.Drift,
                Chart = p.Snapshot != null ? ApplyEngine.ChartLabel(p.Snapshot) : null,
            };
            if (p.Deployed != null && p.Snapshot != null && p.ChangesCluster)
            {
                var planned = new DeploymentRecord
                {
                    Namespace = p.Namespace,
                    App = p.Name,
                    Revision = p.Deployed.Revision + 1,
                    Config = p.Snapshot.ToJsonString(),
                };
                var differences = new List<RevisionDifference>(RevisionComparer.Compare(p.Deployed, planned, redactor, showSecrets: false));
                if (p.DeployedManifest != null && p.PlannedManifest != null)
                {
                    // What Helm would change in each object, from the manifest deployed now to the one rendered for the plan.
                    ManifestComparer.TryCompare(new[] { new ManifestFile("deployed", p.DeployedManifest) }, new[] { new ManifestFile("planned", p.PlannedManifest) },
                        redactor, showSecrets: false, (path, x, y, sensitive) => differences.Add(new RevisionDifference
                        {
                            Namespace = p.Namespace,
                            App = p.Name,
                            ReferenceRevision = p.Deployed.Revision,
                            DifferenceRevision = planned.Revision,
                            Path = path,
                            Reference = JsonPlain.ToPlain(x),
                            Difference = JsonPlain.ToPlain(y),
                            Sensitive = sensitive,
                        }));
                }
                change.Differences = differences;
            }
            return change;
        }

        /// <summary>A rollback as the reviewer sees it: what returning to the target changes against the deployed revision.</summary>
        public static PlannedChange ForRollback(RollbackPlan plan, DeploymentRecord? deployed, SecretRedactor redactor)
        {
            DeploymentRecord target = plan.Target;
            return new PlannedChange
            {
                Namespace = target.Namespace,
                App = target.App,
                Action = PlannedAction.Rollback,
                Chart = target.Chart,
                DeployedRevision = deployed?.Revision,
                Description = plan.Description,
                Differences = deployed != null
                    ? RevisionComparer.Compare(deployed, target, redactor, showSecrets: false)
                    : Array.Empty<RevisionDifference>(),
            };
        }

        /// <summary>A delete as the reviewer sees it: the deployed revision whose release goes.</summary>
        public static PlannedChange ForDelete(DeploymentRecord deployed, string description) => new PlannedChange
        {
            Namespace = deployed.Namespace,
            App = deployed.App,
            Action = PlannedAction.Uninstall,
            Chart = deployed.Chart,
            DeployedRevision = deployed.Revision,
            Description = description,
        };
    }
}
