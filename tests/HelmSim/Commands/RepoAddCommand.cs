using System;
using System.Collections.Generic;
using System.Linq;

namespace HelmSim.Commands
{
    /// <summary>helm repo add: records a repository and snapshots its index from the catalog.</summary>
    internal sealed class RepoAddCommand(HelmContext context) : HelmCommand(context, "repo add")
    {
        protected override IEnumerable<FlagSpec> Flags() => new[]
        {
            Value("username"), Value("password"), Bool("password-stdin"), Bool("force-update"), Bool("insecure-skip-tls-verify"), Bool("pass-credentials"),
            Value("ca-file"), Value("cert-file"), Value("key-file"), Bool("allow-deprecated-repos"), Bool("no-update"), Value("timeout"),
        };

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count != 2) throw Usage("[NAME] [URL] [flags]", "requires 2 arguments");
            Delay("repo");
            string name = p.Positionals[0], url = p.Positionals[1];
            string username = p.Get("username") ?? "";
            string password = p.Get("password") ?? "";
            if (p.Bool("password-stdin"))
            {
                if (username.Length == 0)
                {
                    throw new SimException("the --username flag is required when --password-stdin is set");
                }
                password = Console.In.ReadToEnd();
                if (password.EndsWith("\n", StringComparison.Ordinal)) password = password.Substring(0, password.Length - 1);
                if (password.EndsWith("\r", StringComparison.Ordinal)) password = password.Substring(0, password.Length - 1);
            }
            else if (username.Length > 0 && password.Length == 0)
            {
                throw new SimException("inappropriate ioctl for device");
            }
            if (name.Contains('/'))
            {
                throw new SimException("repository name (" + name + ") contains '/', please specify a different name without '/'");
            }
            using (FileLock.State())
            {
                List<RepoEntry> repos = Repos.Load();
                RepoEntry? existing = repos.FirstOrDefault(r => r.Name == name);
                var entry = new RepoEntry { Name = name, Url = url, Username = username, Password = password };
                if (existing != null && !p.Bool("force-update"))
                {
                    if (existing.Url == url && existing.Username == username && existing.Password == password)
                    {
                        Stdout.Write("\"" + name + "\" already exists with the same configuration, skipping\n");
                        return 0;
                    }
                    throw new SimException("repository name (" + name + ") already exists, please specify a different name");
                }
                Repos.Snapshot(entry);
                if (existing != null) repos.Remove(existing);
                repos.Add(entry);
                Repos.Save(repos);
            }
            Stdout.Write("\"" + name + "\" has been added to your repositories\n");
            return 0;
        }
    }
}
