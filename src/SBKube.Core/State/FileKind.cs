using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SBKube.Core.State
{
    /// <summary>What a path names, without following a symbolic link at its end.</summary>
    internal enum FileKindValue
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        /// <summary>A device node, FIFO or socket.</summary>
        Special,
    }

    /// <summary>
    /// Tells regular files from everything else before SBKube replaces a file. .NET reports device
    /// nodes and FIFOs as ordinary files, so on Linux the kind comes from statx(2) (its layout is the
    /// same on every architecture); elsewhere only directories and links can be told apart.
    /// </summary>
    internal static class FileKind
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxType = 0x1;
        private const int ModeOffset = 28;
        private const int TypeMask = 0xF000, Regular = 0x8000, Dir = 0x4000, Link = 0xA000;

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int Statx(int dirFd, string path, int flags, uint mask, byte[] buffer);

        internal static FileKindValue Of(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && TryStatx(path, out FileKindValue kind))
            {
                return kind;
            }
            var info = new FileInfo(path);
            if ((info.Exists || Directory.Exists(path)) && info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                return FileKindValue.SymbolicLink;
            }
            return Directory.Exists(path) ? FileKindValue.Directory : info.Exists ? FileKindValue.Regular : FileKindValue.Missing;
        }

        private static bool TryStatx(string path, out FileKindValue kind)
        {
            kind = FileKindValue.Missing;
            var buffer = new byte[256];
            try
            {
                if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
                {
                    // ENOENT and ENOTDIR: nothing there. Anything else: let the caller's write report it.
                    int errno = Marshal.GetLastWin32Error();
                    return errno == 2 || errno == 20;
                }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
            int mode = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
            kind = mode == Regular ? FileKindValue.Regular
                : mode == Dir ? FileKindValue.Directory
                : mode == Link ? FileKindValue.SymbolicLink
                : FileKindValue.Special;
            return true;
        }

        /// <summary>
        /// Refuses a destination SBKube would otherwise replace although it is not a regular file: a
        /// device node (/dev/null), FIFO, socket, directory or symbolic link (name the link's target instead).
        /// </summary>
        internal static void EnsureReplaceable(string full, string what)
        {
            string? problem = Of(full) switch
            {
                FileKindValue.Directory => "is a directory",
                FileKindValue.SymbolicLink => "is a symbolic link; give the path it points to",
                FileKindValue.Special => "is a device, FIFO or socket, not a regular file",
                _ => null,
            };
            if (problem != null)
            {
                throw new StateStoreException(StateStoreErrorKind.NotAFile, full,
                    $"Cannot write the {what} to '{full}': it {problem}. Nothing was written.");
            }
        }
    }
}
