using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;

namespace HelmSim.Commands
{
    /// <summary>One helm command: its flags, their parsing and what it does, with the helpers the commands share.</summary>
    internal abstract class HelmCommand(HelmContext context, string name)
    {
        private static readonly Regex ReleaseNameRe = new Regex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant);
        private static readonly Regex DurationRe = new Regex(@"^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant);

        /// <summary>The command words after "helm", e.g. "get values".</summary>
        public string Name { get; } = name;

        protected TextWriter Stdout => context.Stdout;

        protected TextWriter Stderr => context.Stderr;

        protected Faults Faults => context.Faults;

        protected bool V4 => context.V4;

        /// <summary>--namespace, else $HELM_NAMESPACE, else "default"; set when the arguments are parsed.</summary>
        protected string Ns { get; private set; } = "default";

        public int Execute(List<string> args) => Run(Parse(args));

        protected abstract IEnumerable<FlagSpec> Flags();

        /// <summary>A command's own wording for an unknown flag; null keeps the parser's.</summary>
        protected virtual string? UnknownFlagMessage(string flag) => null;

        protected abstract int Run(ParsedArgs p);

        protected static FlagSpec Bool(string name, char shorthand = '\0') => new FlagSpec(name, FlagKind.Bool, shorthand);

        protected static FlagSpec Value(string name, char shorthand = '\0') => new FlagSpec(name, FlagKind.Value, shorthand);

        protected static FlagSpec OptValue(string name) => new FlagSpec(name, FlagKind.OptValue);

        private ParsedArgs Parse(List<string> args)
        {
            ParsedArgs p = ParsedArgs.Parse(args, GlobalFlags.Specs(V4).Concat(Flags()), UnknownFlagMessage);
            string? n = p.Get("namespace");
            if (!string.IsNullOrEmpty(n)) Ns = n!;
            else if (Environment.GetEnvironmentVariable("HELM_NAMESPACE") is { Length: > 0 } envNs) Ns = envNs;
            if (p.Has("timeout")) ValidateDuration(p.Get("timeout")!, "timeout");
            if (p.Has("output"))
            {
                string o = p.Get("output")!;
                if (o != "table" && o != "json" && o != "yaml")
                {
                    throw new SimException("invalid argument \"" + o + "\" for \"-o, --output\" flag: invalid format type");
                }
            }
            if (V4 && p.Has("wait"))
            {
                string w = p.Get("wait")!;
                if (w.Length > 0 && w != "watcher" && w != "hookOnly" && w != "legacy" && w != "true" && w != "false")
                {
                    throw new SimException("invalid argument \"" + w + "\" for \"--wait\" flag: invalid wait strategy \"" + w + "\"");
                }
            }
            if (p.Bool("help"))
            {
                Stdout.Write("Usage:  helm " + Name + " [flags]\n");
                throw new SimException("", exitCode: 0);
            }
            return p;
        }

        private static void ValidateDuration(string v, string flag)
        {
            string? err = null;
            if (v == "0" || DurationRe.IsMatch(v))
            {
                return;
            }
            if (Regex.IsMatch(v, @"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"))
            {
                err = "time: missing unit in duration \"" + v + "\"";
            }
            else
            {
                Match m = Regex.Match(v, @"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([^0-9.]+)");
                err = m.Success && !DurationRe.IsMatch("1" + m.Groups[3].Value)
                    ? "time: unknown unit \"" + m.Groups[3].Value + "\" in duration \"" + v + "\""
                    : "time: invalid duration \"" + v + "\"";
            }
            throw new SimException("invalid argument \"" + v + "\" for \"--" + flag + "\" flag: " + err);
        }

        /// <summary>A wrong argument count; <paramref name="arguments"/> is the usage after the command words.</summary>
        protected SimException Usage(string arguments, string message)
        {
            // "helm helm" is what the simulator has always printed; kept so its output does not change.
            return new SimException("\"helm " + Name + "\" " + message, extra: "\nUsage:  helm helm " + Name + " " + arguments + "\n");
        }

        protected static string Output(ParsedArgs p) => p.Get("output") ?? "table";

        protected static bool IsDryRun(ParsedArgs p)
        {
            if (!p.Has("dry-run")) return false;
            string v = p.Get("dry-run")!;
            return v != "false" && v != "none";
        }

        protected static int DefaultHistoryMax()
        {
            string? env = Environment.GetEnvironmentVariable("HELM_MAX_HISTORY");
            return !string.IsNullOrEmpty(env) && int.TryParse(env, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 10;
        }

        protected void CheckReachable()
        {
            if (Faults.Unreachable)
            {
                string k = V4 ? "kubernetes" : "Kubernetes";
                throw new SimException(k + " cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused");
            }
        }

        protected static void ValidateName(string name)
        {
            if (name.Length == 0 || name.Length > 53 || !ReleaseNameRe.IsMatch(name))
            {
                throw new SimException("release name is invalid: " + name);
            }
        }

        protected void Delay(string command)
        {
            int ms = Faults.DelayMs(command);
            if (ms > 0) Thread.Sleep(ms);
        }

        protected void WriteStructured(JsonNode? node, string format)
        {
            if (format == "yaml") Stdout.Write(Yaml.Emit(node, sortKeys: false));
            else Stdout.Write(SimEnv.ToJson(node) + "\n");
        }

        protected List<Release> RequireHistory(string name)
        {
            CheckReachable();
            ValidateName(name);
            List<Release> hist = Store.History(Ns, name);
            if (hist.Count == 0) throw new SimException("release: not found");
            return hist;
        }

        /// <summary>For status and get: the revision --revision names of the one RELEASE_NAME argument, else its latest.</summary>
        protected Release RequireRevision(ParsedArgs p, string delayCommand)
        {
            if (p.Positionals.Count != 1) throw Usage("RELEASE_NAME [flags]", "requires 1 argument");
            Delay(delayCommand);
            List<Release> hist = RequireHistory(p.Positionals[0]);
            int rev = p.Int("revision", 0);
            if (rev <= 0) return hist[hist.Count - 1];
            return hist.FirstOrDefault(h => h.Version == rev) ?? throw new SimException("release: not found");
        }
    }
}
