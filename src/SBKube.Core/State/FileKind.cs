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
        private const uint StatxType = 0x1, StatxMode = 0x2, StatxIno = 0x100;
        private const int ModeOffset = 28, InodeOffset = 32;
        private const int TypeMask = 0xF000, Regular = 0x8000, Dir = 0x4000, Link = 0xA000;

        // Ansi is UTF-8 on Unix, where these run.
        [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int Statx(int dirFd, string path, int flags, uint mask, byte[] buffer);

        internal static FileKindValue Of(string path)
        {
            if (TryStatx(path, out FileKindValue kind))
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
            if (!TryMode(path, followLinks: false, out int mode, out bool missing))
            {
                return missing;
            }
            int type = mode & TypeMask;
            kind = type == Regular ? FileKindValue.Regular
                : type == Dir ? FileKindValue.Directory
                : type == Link ? FileKindValue.SymbolicLink
                : FileKindValue.Special;
            return true;
        }

        /// <summary>
        /// st_mode of <paramref name="path"/> through statx(2), Linux only. False when it cannot be
        /// read; <paramref name="missing"/> then says whether nothing is there (ENOENT, ENOTDIR).
        /// </summary>
        internal static bool TryMode(string path, bool followLinks, out int mode, out bool missing)
        {
            mode = 0;
            missing = false;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return false;
            }
            var buffer = new byte[256];
            try
            {
                if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxMode, buffer) != 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    missing = errno == 2 || errno == 20;
                    return false;
                }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
            mode = BitConverter.ToUInt16(buffer, ModeOffset);
            return true;
        }

        /// <summary>The inode of <paramref name="path"/> through its links (Linux only; null elsewhere or when unreadable).</summary>
        internal static ulong? Inode(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return null;
            }
            var buffer = new byte[256];
            try
            {
                return Statx(AtFdCwd, path, 0, StatxIno, buffer) == 0 ? BitConverter.ToUInt64(buffer, InodeOffset) : (ulong?)null;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return null;
            }
        }

        /// <summary>
        /// Refuses a source SBKube would read whole that is not a regular file (through links): reading a FIFO
        /// waits forever and /dev/zero never ends.
        /// </summary>
        internal static void EnsureReadable(string full, string what)
        {
            bool special = TryMode(full, followLinks: true, out int mode, out _) && (mode & TypeMask) != Regular;
            if (special || Directory.Exists(full))
            {
                throw new StateStoreException(StateStoreErrorKind.NotAFile, full,
                    $"The {what} '{full}' is not a regular file (a directory, device, FIFO or socket); nothing was read or changed.");
            }
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
