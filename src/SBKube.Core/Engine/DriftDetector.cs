using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>Compares what SBKube recorded with what Helm reports for the same release.</summary>
    public static class DriftDetector
    {
        /// <returns>A description of the drift, or null when Helm agrees with the record.</returns>
        public static string? Compare(DeploymentRecord deployed, HelmListEntry? helm)
        {
            if (helm == null)
            {
                return "release missing from Helm (drift)";
            }
            if (deployed.HelmRevision.HasValue && helm.Revision != deployed.HelmRevision.Value)
            {
                return $"drift: Helm is at revision {helm.Revision}, SBKube recorded {deployed.HelmRevision.Value}";
            }
            if (helm.Status != DeploymentStatus.Deployed)
            {
                return $"drift: Helm reports the release as {helm.Status}";
            }
            return null;
        }
    }
}
