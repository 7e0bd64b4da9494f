using System;
using System.Globalization;
using System.Text.Json;
using System.IO;
using System.Text;

namespace SBKube.Core.State
{
    /// <summary>The seed's <c>state list --format json</c>: one object per revision, column names as in the DB.</summary>
    public static class StateJson
    {
        private static readonly byte[] Indent = { (byte)' ', (byte)' ' };

        /// <summary>One revision as a JSON object, written into <paramref name="w"/>.</summary>
        private static void Write(Utf8JsonWriter w, DeploymentRecord r)
        {
            w.WriteStartObject();
            w.WriteNumber("id", r.Id);
            w.WriteString("context", r.Context);
            w.WriteString("namespace", r.Namespace);
            w.WriteString("app", r.App);
            w.WriteNumber("revision", r.Revision);
            w.WriteString("release_name", r.ReleaseName);
            w.WriteString("app_type", r.AppType);
            w.WriteString("chart", r.Chart);
            w.WriteString("chart_ref", r.ChartRef);
            w.WriteString("chart_version", r.ChartVersion);
            w.WriteString("status", r.Status);
            if (r.HelmRevision is int helmRevision)
            {
                w.WriteNumber("helm_revision", helmRevision);
            }
            else
            {
                w.WriteNull("helm_revision");
            }
            w.WriteString("deployed_at", r.DeployedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("description", r.Description);
            w.WriteEndObject();
        }

        /// <summary>
        /// The JSON list, one line per revision as the rows arrive, so a
        /// million revisions are never held at once; the lines joined by newlines are the document.
        /// </summary>
        /// <param name="rows">Calls its argument once per row, in order.</param>
        public static void WriteLines(Action<string> writeLine, Action<Action<DeploymentRecord>> rows)
        {
            // The row before waits in the buffer ("  {...}") until it is known whether a comma follows it.
            // One buffer and writer serve every row, and each line is decoded once: a listing writes a million.
            bool any = false;
            var buffer = new MemoryStream();
            using var writer = new Utf8JsonWriter(buffer);
            string Line() => Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            rows(r =>
            {
                if (any)
                {
                    buffer.WriteByte((byte)',');
                    writeLine(Line());
                }
                else
                {
                    writeLine("[");
                    any = true;
                }
                buffer.SetLength(0);
                buffer.Write(Indent, 0, Indent.Length);
                writer.Reset(buffer);
                Write(writer, r);
                writer.Flush();
            });
            if (!any)
            {
                writeLine("[]");
                return;
            }
            writeLine(Line());
            writeLine("]");
        }
    }
}
