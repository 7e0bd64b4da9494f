using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace SBKube.PowerShell
{
    /// <summary>
    /// The module's table and list views (SBKube.Format.ps1xml), added to a runspace when one of its
    /// cmdlets first runs there, not at import: the first format file a session loads builds
    /// PowerShell's whole formatting database, a fifth of a bare pwsh start, and importing stays
    /// registration only. Objects reach a formatter only after the cmdlet that made them began.
    /// </summary>
    internal static class FormatViews
    {
        private static readonly string FilePath =
            Path.Combine(Path.GetDirectoryName(typeof(FormatViews).Assembly.Location)!, "SBKube.Format.ps1xml");

        private static readonly ConditionalWeakTable<Runspace, LoadState> Loaded = new ConditionalWeakTable<Runspace, LoadState>();

        private sealed class LoadState
        {
            public bool Done;
        }

        internal static void EnsureLoaded(PSCmdlet cmdlet)
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }
            LoadState state = Loaded.GetValue(runspace, _ => new LoadState());
            if (state.Done)
            {
                return;
            }
            // Set first: a failure to load the views must not be retried by every later command.
            state.Done = true;
            if (File.Exists(FilePath))
            {
                // A nested command, not script text: a script would run in the caller's scope and set (or
                // fail on) the caller's own variables of the same name.
                using (System.Management.Automation.PowerShell nested = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    nested.AddCommand("Update-FormatData").AddParameter("AppendPath", FilePath);
                    try
                    {
                        nested.Invoke();
                    }
                    catch (RuntimeException e)
                    {
                        // The command itself still runs; only its default tables are missing.
                        cmdlet.WriteWarning($"SBKube's table views could not be loaded ({e.Message}); output is shown as lists.");
                    }
                }
            }
        }
    }
}
