using System.Collections.Generic;
using System.Linq;
using SBKube.Core.Config;

namespace SBKube.Core.State
{
    /// <summary>
    /// What an imported revision must satisfy before it is written: the names Helm, kubectl and the
    /// store would later take from it follow the same rules as config.yaml, and the document holds
    /// each revision once and at most one deployed revision per app.
    /// </summary>
    internal sealed class ImportRules
    {
        private static readonly HashSet<string> Statuses = new HashSet<string>
        {
            DeploymentStatus.PendingInstall, DeploymentStatus.PendingUpgrade, DeploymentStatus.PendingRollback,
            DeploymentStatus.Deployed, DeploymentStatus.Superseded, DeploymentStatus.Failed,
            DeploymentStatus.Uninstalling, DeploymentStatus.Uninstalled,
        };

        /// <summary>The highest revision an import may bring: the next apply must still get a number.</summary>
        internal const int MaxImportedRevision = int.MaxValue - 1;

        private readonly Dictionary<(string, string, string, int), int> _seen = new Dictionary<(string, string, string, int), int>();
        private readonly Dictionary<(string, string, string), int> _deployed = new Dictionary<(string, string, string), int>();

        /// <summary>Why revision <paramref name="index"/> of the document cannot be imported, or null.</summary>
        internal string? Problem(int index, string context, string ns, string app, int revision, string? status,
            string? releaseName, string? appType, string? chartRef, string? chartVersion)
        {
            string? problem =
                revision < 1 || revision > MaxImportedRevision ? $"its revision {revision} is not within 1..{MaxImportedRevision} (one more must fit after it)"
                : context.Length > 0 && !ConfigText.IsKubeContextName(context) ? $"its context '{context}' is not {ConfigText.KubeContextRule}"
                : !ConfigText.IsDns1123Label(ns) ? $"its namespace '{ns}' is not {ConfigText.LabelRule}"
                : !ConfigText.IsDns1123Label(app) ? $"its app '{app}' is not {ConfigText.LabelRule}"
                : releaseName != null && !ConfigText.IsValidReleaseName(releaseName) ? $"its release name '{releaseName}' is not a Helm release name"
                : status == null || !Statuses.Contains(status) ? $"its status '{status}' is not one of {string.Join(", ", Statuses.OrderBy(s => s))}"
                : appType != null && appType != StoredAppType.Helm && appType != StoredAppType.Yaml ? $"its app_type '{appType}' is not helm or yaml"
                : chartRef != null && (chartRef.Length == 0 || chartRef[0] == '-' || chartRef.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                    ? $"its chart_ref '{chartRef}' is not a chart reference (no leading '-', no spaces)"
                : chartVersion != null && !ConfigText.IsChartVersion(chartVersion) ? $"its chart_version '{chartVersion}' is not {ConfigText.ChartVersionRule}"
                : null;
            if (problem != null)
            {
                return problem;
            }
            if (_seen.TryGetValue((context, ns, app, revision), out int first))
            {
                return $"it repeats revision {revision} of {ns}/{app} (first at deployments[{first}])";
            }
            _seen[(context, ns, app, revision)] = index;
            if (status == DeploymentStatus.Deployed)
            {
                if (_deployed.TryGetValue((context, ns, app), out int other))
                {
                    return $"it is a second deployed revision of {ns}/{app} (deployments[{other}] is deployed too)";
                }
                _deployed[(context, ns, app)] = index;
            }
            return null;
        }
    }
}
