using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SBKube.Core.State.Backends;

namespace SBKube.Core.State
{
    public sealed partial class StateStore
    {
        /// <summary>
        /// The actions on the record across apps, oldest first, one at a time (the seed's
        /// <c>SELECT * FROM deployment_history WHERE action = 'rollback'</c> with the app each concerns).
        /// </summary>
        public void StreamAudit(AuditQuery query, Action<AuditEntry> onRow)
        {
            var p = new List<(string, object?)>();
            var where = new StringBuilder();
            void Add(string condition) => where.Append(where.Length == 0 ? "WHERE " : " AND ").Append(condition);
            // A row without a revision (an attempt Helm never recorded) names its app itself.
            if (query.Namespace != null) { Add("COALESCE(d.namespace, h.namespace) = @n"); p.Add(("@n", query.Namespace)); }
            if (query.App != null) { Add("COALESCE(d.app, h.app) = @a"); p.Add(("@a", query.App)); }
            if (query.Context != null) { Add("COALESCE(d.context, h.context) = @c"); p.Add(("@c", query.Context)); }
            if (query.Since.HasValue) { Add("h.timestamp >= @since"); p.Add(("@since", Time(query.Since.Value))); }
            if (query.Until.HasValue) { Add("h.timestamp <= @until"); p.Add(("@until", Time(query.Until.Value))); }
            if (query.Actions is { Count: > 0 } actions)
            {
                Add("h.action IN (" + string.Join(", ", actions.Select((a, i) => "@act" + i.ToString(CultureInfo.InvariantCulture))) + ")");
                p.AddRange(actions.Select((a, i) => ("@act" + i.ToString(CultureInfo.InvariantCulture), (object?)a)));
            }
            RunOnce(conn =>
            {
                using IRowReader r = _backend.Query(conn,
                    "SELECT " + HistoryColumns("COALESCE(d.context, h.context), COALESCE(d.namespace, h.namespace), COALESCE(d.app, h.app)") +
                    $", d.revision, d.status FROM deployment_history h LEFT JOIN deployments d ON d.id = h.deployment_id {where} ORDER BY h.id",
                    p.ToArray());
                while (r.Read())
                {
                    AuditEntry entry = ReadHistory(r.Value, new AuditEntry());
                    entry.Revision = r.Int32OrNull(HistoryColumnCount);
                    entry.Status = r.TextOrNull(HistoryColumnCount + 1);
                    onRow(entry);
                }
                return 0;
            });
        }
    }
}
