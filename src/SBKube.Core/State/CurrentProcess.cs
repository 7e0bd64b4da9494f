using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace SBKube.Core.State
{
    /// <summary>Who and where this process is, for row ownership and history.</summary>
    public static class CurrentProcess
    {
        public static int Id { get; } = Process.GetCurrentProcess().Id;
        public static string Host { get; } = Environment.MachineName;
        public static string User { get; } = Environment.UserName + "@" + Environment.MachineName;

        /// <summary>
        /// Set in the environment of every helm and kubectl this process starts, so that after this
        /// process dies its children can still be recognised (<see cref="LiveChildOf"/>).
        /// </summary>
        public const string OwnerVariable = "SBKUBE_OWNER_PID";

        /// <summary>True when <paramref name="pid"/> is alive on this host (unknown hosts count as alive).</summary>
        public static bool IsAlive(int? pid, string? host)
        {
            if (pid == null || !string.Equals(host, Host, StringComparison.OrdinalIgnoreCase))
            {
                return pid != null;
            }
            try
            {
                using Process p = Process.GetProcessById(pid.Value);
                return !p.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>
        /// A live process on this host started by run <paramref name="ownerPid"/> (it carries
        /// <see cref="OwnerVariable"/>), or null. Read from /proc, so Linux only; elsewhere null.
        /// </summary>
        public static int? LiveChildOf(int ownerPid)
        {
            if (!Directory.Exists("/proc/self"))
            {
                return null;
            }
            byte[] marker = Encoding.ASCII.GetBytes(OwnerVariable + "=" + ownerPid.ToString(CultureInfo.InvariantCulture) + "\0");
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Id)
                {
                    continue;
                }
                try
                {
                    byte[] env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                    if (HasEntry(env, marker) && IsAlive(pid, Host))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
                catch (UnauthorizedAccessException)
                {
                    // Another user's process: not one of ours.
                }
            }
            return null;
        }

        /// <summary>True when the NUL-separated block holds <paramref name="entry"/> as a whole entry.</summary>
        private static bool HasEntry(byte[] block, byte[] entry)
        {
            for (int start = 0; start + entry.Length <= block.Length; start = Array.IndexOf(block, (byte)0, start) + 1)
            {
                int k = 0;
                while (k < entry.Length && block[start + k] == entry[k])
                {
                    k++;
                }
                if (k == entry.Length)
                {
                    return true;
                }
                if (Array.IndexOf(block, (byte)0, start) < 0)
                {
                    break;
                }
            }
            return false;
        }
    }
}
