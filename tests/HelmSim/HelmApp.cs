using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HelmSim.Commands;

namespace HelmSim
{
    /// <summary>helm's command line: finds the command words among the arguments and runs that command.</summary>
    public sealed class HelmApp
    {
        public const string V3 = "v3.21.4";
        public const string V4 = "v4.2.4";

        private readonly TextWriter stdout;
        private readonly TextWriter stderr;

        public HelmApp(TextWriter stdout, TextWriter stderr)
        {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public int Run(string[] argv)
        {
            var context = new HelmContext(stdout, stderr, Faults.Load());

            // locate the command words (cobra finds subcommands among the non-flag arguments)
            var words = new List<int>();
            for (int i = 0; i < argv.Length && words.Count < 2; i++)
            {
                string a = argv[i];
                if (a == "--") break;
                if (a.StartsWith("-", StringComparison.Ordinal))
                {
                    if (!a.Contains('=') && GlobalFlags.TakingValue.Contains(a)) i++;
                    continue;
                }
                if (words.Count == 0)
                {
                    words.Add(i);
                    if (a != "repo" && a != "get") break;
                }
                else
                {
                    words.Add(i);
                }
            }
            if (words.Count == 0)
            {
                if (argv.Contains("--help") || argv.Contains("-h") || argv.Length == 0)
                {
                    stdout.Write("The Kubernetes package manager (HelmSim)\n\nUsage:\n  helm [command]\n\nAvailable Commands:\n  get, history, list, repo, rollback, status, uninstall, upgrade, version\n");
                    return 0;
                }
                ParsedArgs.Parse(argv, GlobalFlags.Specs(context.V4));
                stdout.Write("The Kubernetes package manager (HelmSim)\n");
                return 0;
            }
            string cmd = argv[words[0]];
            string? sub = words.Count > 1 ? argv[words[1]] : null;
            var rest = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                if (i == words[0]) continue;
                if (words.Count > 1 && i == words[1]) continue;
                rest.Add(argv[i]);
            }
            if ((cmd == "repo" || cmd == "get") && sub == null)
            {
                throw new SimException("\"helm " + cmd + "\" requires a subcommand", extra: "\nUsage:  helm " + cmd + " [command]\n");
            }
            if (cmd != "repo" && cmd != "get" && sub != null)
            {
                rest.Insert(0, sub);
            }
            return Command(context, cmd, sub).Execute(rest);
        }

        private static HelmCommand Command(HelmContext context, string cmd, string? sub)
        {
            switch (cmd)
            {
                case "version":
                    return new VersionCommand(context);
                case "repo":
                    switch (sub)
                    {
                        case "add": return new RepoAddCommand(context);
                        case "update": case "up": return new RepoUpdateCommand(context);
                        case "list": case "ls": return new RepoListCommand(context);
                        case "remove": case "rm": return new RepoRemoveCommand(context);
                        default: throw new SimException("unknown command \"" + sub + "\" for \"helm repo\"");
                    }
                case "upgrade":
                    return new UpgradeCommand(context, installCommand: false);
                case "install":
                    return new UpgradeCommand(context, installCommand: true);
                case "history":
                case "hist":
                    return new HistoryCommand(context);
                case "list":
                case "ls":
                    return new ListCommand(context);
                case "status":
                    return new StatusCommand(context);
                case "get":
                    switch (sub)
                    {
                        case "values": case "manifest": case "metadata": case "notes": return new GetCommand(context, sub);
                        default: throw new SimException("unknown command \"" + sub + "\" for \"helm get\"");
                    }
                case "rollback":
                    return new RollbackCommand(context);
                case "uninstall":
                case "un":
                case "delete":
                case "del":
                    return new UninstallCommand(context);
                default:
                    throw new SimException("unknown command \"" + cmd + "\" for \"helm\"", extra: "Run 'helm --help' for usage.\n");
            }
        }
    }
}
