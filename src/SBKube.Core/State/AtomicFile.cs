using System;
using System.Globalization;
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

        /// <summary>
        /// A hidden sibling name (so the rename stays on one file system) that carries the writer's
        /// process id, so a leftover of a killed writer can be told from one still being written.
        /// </summary>
        internal static string TempNameFor(string full) =>
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
                "." + System.IO.Path.GetFileName(full) + "." + CurrentProcess.Id.ToString(CultureInfo.InvariantCulture) + "." +
                Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");

        /// <summary>
        /// Deletes the temp copies (and their SQLite side files) that writers of <paramref name="full"/>
        /// on this host left when they were killed: a full, unmasked copy of the state must not linger.
        /// </summary>
        internal static void SweepLeftovers(string full)
        {
            string dir = System.IO.Path.GetDirectoryName(full)!;
            string prefix = "." + System.IO.Path.GetFileName(full) + ".";
            if (!Directory.Exists(dir))
            {
                return;
            }
            foreach (string path in Directory.EnumerateFiles(dir, prefix + "*"))
            {
                string[] parts = System.IO.Path.GetFileName(path).Substring(prefix.Length).Split('.');
                bool ours = parts.Length >= 3 && parts[2].StartsWith("tmp", StringComparison.Ordinal);
                if (ours && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                    && !CurrentProcess.IsAlive(pid, CurrentProcess.Host))
                {
                    TryDelete(path);
                }
            }
        }

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
