using System;
using System.IO;
using System.Threading;

namespace HelmSim
{
    /// <summary>Cross-process exclusive lock on a file (FileShare.None is enforced with flock on Unix).</summary>
    public sealed class FileLock : IDisposable
    {
        private FileStream? stream;

        private FileLock(FileStream s) { stream = s; }

        public static FileLock Acquire(string path, int timeoutMs = 60000)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var rnd = new Random(Environment.ProcessId);
            while (true)
            {
                try
                {
                    var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new FileLock(fs);
                }
                catch (IOException)
                {
                    if (sw.ElapsedMilliseconds > timeoutMs)
                    {
                        throw new SimException("timed out waiting for state lock " + path);
                    }
                    Thread.Sleep(rnd.Next(3, 15));
                }
                catch (UnauthorizedAccessException)
                {
                    if (sw.ElapsedMilliseconds > timeoutMs)
                    {
                        throw;
                    }
                    Thread.Sleep(rnd.Next(3, 15));
                }
            }
        }

        public static FileLock State() => Acquire(Path.Combine(SimEnv.Home, ".state.lock"));

        public void Dispose()
        {
            stream?.Dispose();
            stream = null;
        }
    }
}
