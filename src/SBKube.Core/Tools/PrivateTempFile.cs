using System;
using System.IO;
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

        public static PrivateTempFile Create(string content, string extension = ".yaml")
        {
            string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sbkube-" + CurrentProcess.Id);
            Directory.CreateDirectory(dir);
            UnixPermissions.Set(dir, Convert.ToInt32("700", 8));
            string path = System.IO.Path.Combine(dir, Guid.NewGuid().ToString("N") + extension);
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                UnixPermissions.Set(path, Convert.ToInt32("600", 8));
                byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                stream.Write(bytes, 0, bytes.Length);
            }
            return new PrivateTempFile(path);
        }

        public void Dispose()
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Best effort: the directory is private to this user anyway.
            }
        }
    }
}
