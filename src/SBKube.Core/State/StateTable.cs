using System;
using System.Globalization;
using System.Text;

namespace SBKube.Core.State
{
    /// <summary>
    /// The seed's <c>sbkube state list</c> table, one line per row as rows stream: header first, columns
    /// left-aligned and two spaces apart, widths taken up front from the store's longest values.
    /// </summary>
    public sealed class StateTable
    {
        private static readonly string[] Headers = { "NAMESPACE", "APP", "REVISION", "STATUS", "DEPLOYED AT", "CHART" };
        private const int TimeWidth = 19; // yyyy-MM-dd HH:mm:ss
        private readonly int[] _widths;

        public StateTable(StateListWidths widths)
        {
            // No rows (every width 0): the header alone sets the widths.
            int time = widths.Namespace > 0 ? TimeWidth : 0;
            int[] data = { widths.Namespace, widths.App, widths.Revision, widths.Status, time, widths.Chart };
            _widths = new int[Headers.Length];
            for (int i = 0; i < Headers.Length; i++)
            {
                _widths[i] = Math.Max(Headers[i].Length, data[i]);
            }
            Header = Line(Headers);
        }

        public string Header { get; }

        public string Row(DeploymentRecord r) => Line(new[]
        {
            r.Namespace, r.App, r.Revision.ToString(CultureInfo.InvariantCulture), r.Status,
            r.DeployedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Chart ?? "",
        });

        private string Line(string[] cells)
        {
            var sb = new StringBuilder(128);
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append("  ");
                }
                sb.Append(cells[i]);
                if (i < cells.Length - 1)
                {
                    sb.Append(' ', Math.Max(0, _widths[i] - cells[i].Length));
                }
            }
            return sb.ToString().TrimEnd();
        }
    }
}
