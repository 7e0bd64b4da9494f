using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SBKube.PowerShell.Loading
{
    /// <summary>Finds a shipped native library (e_sqlite3) under deps/runtimes/&lt;rid&gt;/native.</summary>
    internal static class NativeLibraryPath
    {
        /// <summary>Every RID the module ships e_sqlite3 for (the build copies exactly these).</summary>
        internal static readonly string[] ShippedRids =
        {
            "win-x64", "win-x86", "win-arm64",
            "linux-x64", "linux-arm64", "linux-arm", "linux-musl-x64", "linux-musl-arm64",
            "osx-x64", "osx-arm64",
        };

        internal static string? Find(string dependencyFolder, string libraryName) =>
            CurrentRid() is string rid ? Find(dependencyFolder, libraryName, rid) : null;

        internal static string? Find(string dependencyFolder, string libraryName, string rid)
        {
            string path = Path.Combine(dependencyFolder, "runtimes", rid, "native", FileName(rid, libraryName));
            return File.Exists(path) ? path : null;
        }

        /// <summary>The file a RID's native folder holds for a library: <c>e_sqlite3.dll</c>, <c>libe_sqlite3.so</c>, <c>libe_sqlite3.dylib</c>.</summary>
        internal static string FileName(string rid, string libraryName)
        {
            string baseName = Path.GetFileNameWithoutExtension(libraryName);
            if (baseName.StartsWith("lib", StringComparison.Ordinal))
            {
                baseName = baseName.Substring(3);
            }
            return rid.StartsWith("win-", StringComparison.Ordinal) ? baseName + ".dll"
                : rid.StartsWith("osx-", StringComparison.Ordinal) ? "lib" + baseName + ".dylib"
                : "lib" + baseName + ".so";
        }

        internal static string? CurrentRid()
        {
            string? os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
                : null;
            return os == null ? null : Rid(os, RuntimeInformation.ProcessArchitecture, os == "linux" && IsMusl());
        }

        /// <summary>The RID for an OS (<c>win</c>, <c>linux</c>, <c>osx</c>), a process architecture and the C library.</summary>
        internal static string? Rid(string os, Architecture architecture, bool musl)
        {
            string? arch = architecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                Architecture.Arm => "arm",
                _ => null,
            };
            if (arch == null)
            {
                return null;
            }
            string rid = (musl ? os + "-musl" : os) + "-" + arch;
            return Array.IndexOf(ShippedRids, rid) >= 0 ? rid : null;
        }

        /// <summary>
        /// Alpine and other musl systems: a glibc build of e_sqlite3 would not load there. The C library
        /// this process actually mapped decides (a glibc system may have musl installed beside it).
        /// </summary>
        private static bool IsMusl()
        {
            try
            {
                return MapsShowMusl(File.ReadAllText("/proc/self/maps"));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return File.Exists("/lib/ld-musl-" + MuslArch() + ".so.1");
            }
        }

        internal static bool MapsShowMusl(string maps) =>
            maps.IndexOf("/ld-musl-", StringComparison.Ordinal) >= 0 || maps.IndexOf("/libc.musl-", StringComparison.Ordinal) >= 0;

        private static string MuslArch() => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 => "aarch64",
            Architecture.Arm => "armhf",
            Architecture.X86 => "i386",
            _ => "x86_64",
        };
    }
}
