using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SBKube.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7: SBKube.Core and everything it needs load here, so a session that already holds
    /// another YamlDotNet (powershell-yaml) or SQLite provider keeps working, and so does SBKube.
    /// Only SBKube.Core is handed to the default context, because the cmdlets are compiled against it.
    /// </summary>
    internal sealed class PrivateLoadContext : AssemblyLoadContext
    {
        private const string EngineAssemblyName = "SBKube.Core";
        private static PrivateLoadContext? s_instance;
        private readonly string _folder;

        private PrivateLoadContext(string folder) : base() => _folder = folder;

        /// <summary>
        /// Idempotent. The resolver stays for the life of the process: PowerShell keeps the cmdlet
        /// assembly loaded after Remove-Module and reuses it on the next import, and that assembly
        /// must keep finding the same SBKube.Core (same load context, same types).
        /// </summary>
        internal static void Install(string folder)
        {
            if (s_instance != null)
            {
                return;
            }
            s_instance = new PrivateLoadContext(folder);
            Default.Resolving += ResolveEngine;
        }

        private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            name.Name == EngineAssemblyName && s_instance != null
                ? s_instance.LoadFromAssemblyName(name)
                : null;

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name == null || name.Name == "netstandard" || name.Name == "mscorlib")
            {
                return null;
            }
            string path = Path.Combine(_folder, name.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }
            // Framework names and the polyfills PowerShell ships are shared when the host's copy is new
            // enough (or types such as IAsyncEnumerable would exist twice); an older host, such as
            // PowerShell 7.4 with its Microsoft.Bcl.AsyncInterfaces 5.0, gets the module's own copy.
            if (IsShared(name.Name) && FromHost(name) is Assembly host)
            {
                return host;
            }
            return LoadFromAssemblyPath(path);
        }

        private static Assembly? FromHost(AssemblyName name)
        {
            try
            {
                Assembly host = Default.LoadFromAssemblyName(name);
                return name.Version == null || host.GetName().Version >= name.Version ? host : null;
            }
            catch (Exception e) when (e is FileNotFoundException || e is FileLoadException || e is BadImageFormatException)
            {
                return null;
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = NativeLibraryPath.Find(_folder, unmanagedDllName);
            return path != null ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }

        private static bool IsShared(string name) =>
            name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Bcl.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);
    }
}
