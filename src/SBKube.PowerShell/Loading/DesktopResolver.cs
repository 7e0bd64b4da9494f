using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SBKube.PowerShell.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1 has no load contexts: resolve dependencies from deps/ on demand and
    /// preload e_sqlite3 by full path so SQLitePCLRaw's DllImport finds it. Like the PowerShell 7
    /// resolver it stays installed after Remove-Module, because the cmdlet assembly stays loaded.
    /// </summary>
    internal static class DesktopResolver
    {
        private static string? s_folder;

        internal static void Install(string folder)
        {
            if (s_folder != null)
            {
                return;
            }
            s_folder = folder;
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            string? native = NativeLibraryPath.Find(folder, "e_sqlite3");
            if (native != null)
            {
                LoadLibrary(native);
            }
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            if (s_folder == null)
            {
                return null;
            }
            string path = Path.Combine(s_folder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern IntPtr LoadLibrary(string path);
    }
}
