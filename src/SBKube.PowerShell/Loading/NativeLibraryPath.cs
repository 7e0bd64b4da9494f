using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SBKube.PowerShell.Loading
{
    /// <summary>Finds a shipped native library (e_sqlite3) under deps/runtimes/&lt;rid&gt;/native.</summary>
    internal static class NativeLibraryPath
    {
        internal static string? Find(string dependencyFolder, string libraryName)
        {
            string? rid = CurrentRid();
            if (rid == null)
            {
                return null;
            }
            string baseName = Path.GetFileNameWithoutExtension(libraryName);
            if (baseName.StartsWith("lib", StringComparison.Ordinal))
            {
                baseName = baseName.Substring(3);
            }
            string fileName = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? baseName + ".dll"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + baseName + ".dylib"
                : "lib" + baseName + ".so";
            string path = Path.Combine(dependencyFolder, "runtimes", rid, "native", fileName);
            return File.Exists(path) ? path : null;
        }

        internal static string? CurrentRid()
        {
            string? os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
                : null;
            string? arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                _ => null,
            };
            return os == null || arch == null ? null : os + "-" + arch;
        }
    }
}
