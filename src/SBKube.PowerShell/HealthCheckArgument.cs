using System;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Threading.Tasks;
using SBKube.Core;
using SBKube.Core.Engine;

namespace SBKube.PowerShell
{
    /// <summary>
    /// -HealthCheck as a probe: a script block passes when it returns $true without throwing (it runs
    /// on the pipeline thread, in the caller's session); a URL passes when a GET answers 2xx.
    /// </summary>
    internal static class HealthCheckArgument
    {
        internal const string ParameterName = "-HealthCheck";

        /// <exception cref="SbkubeException">Neither a script block nor an absolute http(s) URL.</exception>
        internal static HealthProbe ToProbe(object value, TimeSpan tryTimeout)
        {
            object check = value is PSObject ps ? ps.BaseObject : value;
            switch (check)
            {
                case ScriptBlock script:
                    return _ => Task.FromResult(RunScript(script));
                case Uri uri when IsHttp(uri):
                    return HealthWatch.Http(uri, tryTimeout);
                case string text when Uri.TryCreate(text, UriKind.Absolute, out Uri? parsed) && IsHttp(parsed):
                    return HealthWatch.Http(parsed, tryTimeout);
                default:
                    throw new SbkubeException(
                        $"{ParameterName} '{check}' is not valid: expected a script block that returns $true when healthy, " +
                        "or an http:// or https:// URL that answers 2xx when healthy.",
                        ErrorIds.InvalidHealthCheck, ErrorKind.InvalidArgument, check);
            }
        }

        private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

        private static string? RunScript(ScriptBlock script)
        {
            Collection<PSObject> output;
            try
            {
                output = script.Invoke();
            }
            catch (RuntimeException e)
            {
                return "the script threw: " + e.Message;
            }
            object? last = output.Count == 0 ? null : output[output.Count - 1]?.BaseObject;
            if (last is bool healthy && healthy)
            {
                return null;
            }
            string shown = last == null ? (output.Count == 0 ? "nothing" : "$null")
                : last is bool ? "$false"
                : "'" + Convert.ToString(last, CultureInfo.InvariantCulture) + "'";
            return $"the script returned {shown}, not $true";
        }
    }
}
