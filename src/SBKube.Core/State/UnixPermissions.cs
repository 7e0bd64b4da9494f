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

        /// <summary>
        /// Takes away what <paramref name="allowed"/> does not grant (0600 leaves group and others
        /// nothing). Links are followed: the file they point to is tightened. Returns a warning when
        /// the file is looser and cannot be changed (owned by someone else); null otherwise.
        /// </summary>
        internal static string? Tighten(string path, int allowed)
        {
            if (!FileKind.TryMode(path, followLinks: true, out int mode, out _) || (mode & 0x1FF & ~allowed) == 0)
            {
                return null;
            }
            if (chmod(path, (uint)(mode & 0x1FF & allowed)) == 0)
            {
                return null;
            }
            return $"'{path}' can be read by other users (mode {Convert.ToString(mode & 0x1FF, 8)}) and could not be " +
                $"restricted to {Convert.ToString(allowed, 8)} (errno {Marshal.GetLastWin32Error()}); it holds unmasked values.";
        }

        // Ansi is UTF-8 on Unix, where this runs.
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int chmod(string path, uint mode);
    }
}
