using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SBKube.PowerShell.Loading
{
    /// <summary>
    /// Makes the engine and its dependencies (kept in the module's <c>deps</c> folder) loadable
    /// without letting them collide with other versions already in the session.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

        private static bool IsCoreClr => typeof(object).Assembly.GetName().Name == "System.Private.CoreLib";

        public void OnImport()
        {
            if (IsCoreClr)
            {
                // Kept in its own class so that .NET Framework never JITs AssemblyLoadContext code.
                PrivateLoadContext.Install(DependencyFolder);
            }
            else
            {
                DesktopResolver.Install(DependencyFolder);
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            // Servers started with -PassThru would otherwise outlive the module.
            StopMetricsServers();
        }

        private static void StopMetricsServers() => SBKube.Core.Metrics.MetricsServerRegistry.StopAll();
    }
}
