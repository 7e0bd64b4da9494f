using System.Management.Automation;
using System.Reflection;

namespace SBKube.PowerShell
{
    /// <summary>
    /// -Debug on a compiled cmdlet makes PowerShell ask "Continue?" at every verbose and debug message, which
    /// under pwsh -NonInteractive (every CI agent and runbook) stops the command halfway, after Helm changed
    /// something. SBKube's messages only inform, so -Debug shows them as $VerbosePreference and
    /// $DebugPreference = 'Continue' would (an explicit -Verbose:$false still hides the verbose ones).
    /// PowerShell has no public way to say so; where its runtime lacks these setters, nothing changes.
    /// </summary>
    internal static class DebugWithoutPrompt
    {
        private static readonly System.Type? RuntimeType = typeof(Cmdlet).Assembly.GetType("System.Management.Automation.MshCommandRuntime");
        private static readonly PropertyInfo? RuntimeDebugPreference = RuntimeType?.GetProperty("DebugPreference", BindingFlags.NonPublic | BindingFlags.Instance);
        // -Debug makes verbose messages ask too; as if -Verbose had been given, they are shown instead.
        private static readonly PropertyInfo? RuntimeVerboseFlag = RuntimeType?.GetProperty("Verbose", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance);

        internal static void Apply(PSCmdlet cmdlet)
        {
            if (!(cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out object? debug) && debug is SwitchParameter { IsPresent: true }))
            {
                return;
            }
            if (RuntimeType == null || !RuntimeType.IsInstanceOfType(cmdlet.CommandRuntime))
            {
                return;
            }
            if (RuntimeDebugPreference?.SetMethod != null)
            {
                RuntimeDebugPreference.SetValue(cmdlet.CommandRuntime, ActionPreference.Continue);
            }
            if (!cmdlet.MyInvocation.BoundParameters.ContainsKey("Verbose") && RuntimeVerboseFlag?.SetMethod != null)
            {
                RuntimeVerboseFlag.SetValue(cmdlet.CommandRuntime, true);
            }
        }
    }
}
