using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SBKube.Core.State
{
    /// <summary>chmod through libc: netstandard2.0 has no File.SetUnixFileMode.</summary>
    internal static class UnixPermissions
    {
        internal static bool IsUnix =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        internal static void Set(string path, int mode)
        {
            if (IsUnix && chmod(path, (uint)mode) != 0)
            {
                throw new IOException($"chmod {Convert.ToString(mode, 8)} '{path}' failed (errno {Marshal.GetLastWin32Error()}).");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
