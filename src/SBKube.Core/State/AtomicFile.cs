using System;
using System.IO;

namespace SBKube.Core.State
{
    /// <summary>
    /// Writes a file through a temp file in the same folder and a rename, so readers (node_exporter's
    /// textfile collector, a cron job) never see half a file, and the mode is set before any byte lands.
    /// </summary>
    internal static class AtomicFile
    {
        internal const int Private = 0x180; // 0600: the file may hold secrets
        internal const int Readable = 0x1A4; // 0644: meant to be read by other services

        /// <param name="what">What is written, for the error when the destination is not a regular file.</param>
        internal static void Write(string path, int unixMode, string what, Action<Stream> write)
        {
            string full = System.IO.Path.GetFullPath(path);
            string dir = System.IO.Path.GetDirectoryName(full)!;
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException($"The folder '{dir}' does not exist (writing '{full}').");
            }
            FileKind.EnsureReplaceable(full, what);
            string temp = TempNameFor(full);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    UnixPermissions.Set(temp, unixMode);
                    write(stream);
                    stream.Flush(true);
                }
                Replace(temp, full);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        /// <summary>A hidden sibling name, so the rename stays on one file system.</summary>
        internal static string TempNameFor(string full) =>
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
                "." + System.IO.Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");

        /// <summary>Moves <paramref name="source"/> onto <paramref name="destination"/>, replacing it if present.</summary>
        internal static void Replace(string source, string destination)
        {
            if (File.Exists(destination))
            {
                File.Replace(source, destination, null, ignoreMetadataErrors: true);
            }
            else
            {
                File.Move(source, destination);
            }
        }

        internal static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Best effort cleanup of our own temp file.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
