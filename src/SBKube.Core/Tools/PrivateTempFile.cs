using System;
using System.IO;
using System.Linq;
using System.Text;
using SBKube.Core.State;

namespace SBKube.Core.Tools
{
    /// <summary>
    /// A temp file readable only by the current user (0600 on Unix) that is deleted on Dispose,
    /// used to hand values and manifests to helm/kubectl without putting them in arguments.
    /// </summary>
    public sealed class PrivateTempFile : IDisposable
    {
        private PrivateTempFile(string path)
        {
            Path = path;
        }

        public string Path { get; }

        // Guards the shared per-process folder: parallel apps create files while others remove it.
        private static readonly object FolderGate = new object();
        private static readonly string Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sbkube-" + CurrentProcess.Id);

        public static PrivateTempFile Create(string content, string extension = ".yaml")
        {
            string path = System.IO.Path.Combine(Folder, Guid.NewGuid().ToString("N") + extension);
            lock (FolderGate)
            {
                Directory.CreateDirectory(Folder);
                UnixPermissions.Set(Folder, Convert.ToInt32("700", 8));
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    UnixPermissions.Set(path, Convert.ToInt32("600", 8));
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                }
            }
            return new PrivateTempFile(path);
        }

        public void Dispose()
        {
            lock (FolderGate)
            {
                try
                {
                    File.Delete(Path);
                    if (!Directory.EnumerateFileSystemEntries(Folder).Any())
                    {
                        Directory.Delete(Folder);
                    }
                }
                catch (IOException)
                {
                    // Best effort: the folder is private to this user anyway.
                }
            }
        }
    }
}
