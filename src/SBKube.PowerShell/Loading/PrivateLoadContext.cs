using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SBKube.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7: what SBKube.Core needs (YamlDotNet, SQLite, Npgsql, CliWrap) loads here, so a session
    /// that already holds another YamlDotNet (powershell-yaml) or SQLite provider keeps working, and so
    /// does SBKube. SBKube.Core itself loads in the default context, so the records, results and
    /// exceptions it emits can be named (<c>[SBKube.Core.State.DeploymentRecord]</c>, <c>catch</c>, <c>-is</c>).
    /// </summary>
    internal sealed class PrivateLoadContext : AssemblyLoadContext
    {
        private const string EngineAssemblyName = "SBKube.Core";
        private static PrivateLoadContext? s_instance;
        private readonly string _folder;

        // Set while the private context asks the host for a shared assembly, so that the default
        // context's miss is not handed back here (which would ask the host again, without end).
        [ThreadStatic]
        private static bool t_askingHost;

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
            Default.Resolving += Resolve;
            // Loaded now (its dependencies still load only when used), so that its type names resolve
            // in the session before the first cmdlet runs.
            Default.LoadFromAssemblyName(new AssemblyName(EngineAssemblyName));
        }

        /// <summary>
        /// The default context asks only for what it cannot find itself: the engine (loaded there), or
        /// a dependency the engine names, which is handed out from the private context, and only when
        /// the module ships it.
        /// </summary>
        private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
        {
            PrivateLoadContext? own = s_instance;
            if (own == null || name.Name == null || t_askingHost)
            {
                return null;
            }
            string path = Path.Combine(own._folder, name.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }
            return name.Name == EngineAssemblyName ? context.LoadFromAssemblyPath(path) : own.LoadFromAssemblyName(name);
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name == null || name.Name == "netstandard" || name.Name == "mscorlib" || name.Name == EngineAssemblyName)
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
            t_askingHost = true;
            try
            {
                Assembly host = Default.LoadFromAssemblyName(name);
                return name.Version == null || host.GetName().Version >= name.Version ? host : null;
            }
            catch (Exception e) when (e is FileNotFoundException || e is FileLoadException || e is BadImageFormatException)
            {
                return null;
            }
            finally
            {
                t_askingHost = false;
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
