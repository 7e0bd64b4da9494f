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
            // The framework's own assemblies (and the polyfills PowerShell already ships) must be shared,
            // or types such as IAsyncEnumerable would exist twice.
            if (name.Name == null || IsShared(name.Name))
            {
                return null;
            }
            string path = Path.Combine(_folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = NativeLibraryPath.Find(_folder, unmanagedDllName);
            return path != null ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }

        private static bool IsShared(string name) =>
            name == "netstandard" || name == "mscorlib"
            || name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Bcl.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);
    }
}
