using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SBKube.Core.State
{
    /// <summary>The seed's <c>state list --format json</c>: one object per revision, column names as in the DB.</summary>
    public static class StateJson
    {
        public static JsonObject ToJson(DeploymentRecord r) => new JsonObject
        {
            ["id"] = r.Id,
            ["context"] = r.Context,
            ["namespace"] = r.Namespace,
            ["app"] = r.App,
            ["revision"] = r.Revision,
            ["release_name"] = r.ReleaseName,
            ["app_type"] = r.AppType,
            ["chart"] = r.Chart,
            ["chart_ref"] = r.ChartRef,
            ["chart_version"] = r.ChartVersion,
            ["status"] = r.Status,
            ["helm_revision"] = r.HelmRevision,
            ["deployed_at"] = r.DeployedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["description"] = r.Description,
        };

        public static string ToJsonText(IEnumerable<DeploymentRecord> records)
        {
            var array = new JsonArray();
            foreach (DeploymentRecord r in records)
            {
                array.Add(ToJson(r));
            }
            return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }
    }
}
