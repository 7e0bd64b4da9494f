using System;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// A plan that asks Helm: each changed Helm app is rendered with helm template (its values on stdin, nothing sent
    /// to the cluster), so a repository, chart, version or values error is a Fail in the plan rather than a failed
    /// deploy, and an upgrade's plan can show what changes in each object against the manifest deployed now.
    /// </summary>
    internal static class PlanRenderer
    {
        internal static async Task<PlannedApp> RenderAsync(EngineSession session, PlannedApp p, Func<Task> ensureSources)
        {
            if (!p.ChangesCluster || p.Snapshot is not { Kind: AppType.Helm } snapshot)
            {
                return p;
            }
            try
            {
                await ensureSources().ConfigureAwait(false);
                string planned = await session.Helm.TemplateAsync(ClusterChanges.UpgradeRequest(snapshot, description: null)).ConfigureAwait(false);
                return p.WithManifests(p.Deployed == null ? null : await DeployedManifestAsync(session, snapshot).ConfigureAwait(false), planned);
            }
            catch (Exception e) when (e is HelmException || e is SbkubeException || e is Tools.ToolNotFoundException)
            {
                (string message, string errorId) = session.Describe(e);
                return new PlannedApp(p.App, PlannedAction.Fail, null, null, null, null, message, errorId);
            }
        }

        /// <summary>The release's manifest now; null when Helm has none (the release went), so no object changes are shown.</summary>
        private static async Task<string?> DeployedManifestAsync(EngineSession session, Core.State.RevisionSnapshot s)
        {
            try
            {
                return await session.Helm.GetManifestAsync(s.ReleaseName, s.Namespace).ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind == HelmErrorKind.ReleaseNotFound)
            {
                return null;
            }
        }
    }
}
