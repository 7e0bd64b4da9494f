using System;
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

        /// <summary>
        /// The JSON list, one line per revision as the rows arrive, so a
        /// million revisions are never held at once; the lines joined by newlines are the document.
        /// </summary>
        /// <param name="rows">Calls its argument once per row, in order.</param>
        public static void WriteLines(Action<string> writeLine, Action<Action<DeploymentRecord>> rows)
        {
            string? pending = null;
            bool any = false;
            rows(r =>
            {
                if (pending != null)
                {
                    writeLine(pending + ",");
                }
                else
                {
                    writeLine("[");
                }
                any = true;
                pending = "  " + ToJson(r).ToJsonString();
            });
            if (!any)
            {
                writeLine("[]");
                return;
            }
            writeLine(pending!);
            writeLine("]");
        }
    }
}
