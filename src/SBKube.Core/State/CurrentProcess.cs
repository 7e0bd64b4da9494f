using System;
using System.Collections.Generic;
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

        /// <summary>
        /// Which kernel (boot id), PID namespace and start (clock ticks after boot) this process has:
        /// "boot:pidns:start". A host name alone cannot tell two containers of one name apart, nor the PID 1
        /// of one container from the PID 1 of the next. Null where /proc does not say (not Linux).
        /// </summary>
        public static string? Instance { get; } = InstanceOf(Id);

        /// <summary>"boot:pidns:" of this process: a recorded instance with another prefix lives where this one cannot look.</summary>
        private static readonly string? Namespace = Instance?.Substring(0, Instance.LastIndexOf(':') + 1);

        private static string? InstanceOf(int pid)
        {
            try
            {
                string boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                ulong? pidns = FileKind.Inode("/proc/self/ns/pid");
                string? start = StartTicks(pid);
                return pidns == null || start == null ? null : $"{boot}:{pidns.Value.ToString(CultureInfo.InvariantCulture)}:{start}";
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>Field 22 of /proc/PID/stat, the start in clock ticks after boot; null when there is no such process.</summary>
        private static string? StartTicks(int pid)
        {
            try
            {
                string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                return fields.Length > 19 ? fields[19] : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>True when a row or lock written by (<paramref name="pid"/>, <paramref name="host"/>, <paramref name="instance"/>) is this very process.</summary>
        public static bool IsThis(int? pid, string? host, string? instance) =>
            pid == Id && string.Equals(host, Host, StringComparison.OrdinalIgnoreCase) && (instance == null || Instance == null || instance == Instance);

        /// <summary>
        /// True when this process can tell whether that one lives: same host name and, when both instances are
        /// known, the same kernel and PID namespace. Otherwise (another machine or container, or this machine
        /// rebooted) only a lease can say.
        /// </summary>
        public static bool CanJudge(string? host, string? instance) =>
            string.Equals(host, Host, StringComparison.OrdinalIgnoreCase)
            && (instance == null || Namespace == null || instance.StartsWith(Namespace, StringComparison.Ordinal));

        /// <summary>
        /// False only when this host can prove the process gone: where it cannot judge (<see cref="CanJudge"/>)
        /// it counts as alive, and with its instance known, a live process of that pid must have its start too.
        /// </summary>
        public static bool IsAlive(int? pid, string? host, string? instance)
        {
            if (pid == null)
            {
                return false;
            }
            if (!CanJudge(host, instance))
            {
                return true;
            }
            if (instance == null || Namespace == null)
            {
                return IsAlive(pid, host);
            }
            return StartTicks(pid.Value) is string start && instance == Namespace + start;
        }

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
            foreach (int pid in LiveProcessesWith(OwnerVariable, ownerPid.ToString(CultureInfo.InvariantCulture)))
            {
                return pid;
            }
            return null;
        }

        /// <summary>
        /// The live processes on this host, other than this one, whose environment holds
        /// <paramref name="variable"/>=<paramref name="value"/> (children inherit it, so grandchildren too).
        /// Read from /proc, so Linux only; elsewhere none.
        /// </summary>
        public static IEnumerable<int> LiveProcessesWith(string variable, string value)
        {
            if (!Directory.Exists("/proc/self"))
            {
                yield break;
            }
            byte[] marker = Encoding.ASCII.GetBytes(variable + "=" + value + "\0");
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Id)
                {
                    continue;
                }
                bool marked;
                try
                {
                    marked = HasEntry(File.ReadAllBytes(Path.Combine(dir, "environ")), marker);
                }
                catch (IOException)
                {
                    continue; // The process ended while we looked.
                }
                catch (UnauthorizedAccessException)
                {
                    continue; // Another user's process: not one of ours.
                }
                if (marked && IsAlive(pid, Host))
                {
                    yield return pid;
                }
            }
        }

        /// <summary>A process's command line for messages ("sleep 30"), or its pid when it cannot be read.</summary>
        public static string CommandLine(int pid)
        {
            try
            {
                string text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline").TrimEnd('\0').Replace('\0', ' ');
                return text.Length > 0 ? text : "pid " + pid.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return "pid " + pid.ToString(CultureInfo.InvariantCulture);
            }
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
