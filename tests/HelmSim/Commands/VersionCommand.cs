using System.Collections.Generic;

namespace HelmSim.Commands
{
    /// <summary>helm version: the build info of the Helm release being simulated.</summary>
    internal sealed class VersionCommand(HelmContext context) : HelmCommand(context, "version")
    {
        private const string GitCommit3 = "8d5f8ba3e3c1c4f6a6d2b0e1f2a3b4c5d6e7f809";
        private const string GitCommit4 = "4a2c91e7b0d35f6e8c1a2b3d4e5f60718293a4b5";

        protected override IEnumerable<FlagSpec> Flags() => new[] { Bool("short"), Value("template"), Bool("client", 'c') };

        protected override int Run(ParsedArgs p)
        {
            Delay("version");
            string ver = V4 ? HelmApp.V4 : HelmApp.V3;
            string commit = V4 ? GitCommit4 : GitCommit3;
            if (p.Bool("short"))
            {
                Stdout.Write(ver + "+g" + commit.Substring(0, 7) + "\n");
            }
            else if (p.Has("template"))
            {
                Stdout.Write(p.Get("template")!.Replace("{{.Version}}", ver).Replace("{{ .Version }}", ver).Replace("{{.GitCommit}}", commit) + "\n");
            }
            else if (V4)
            {
                Stdout.Write("version.BuildInfo{Version:\"" + ver + "\", GitCommit:\"" + commit + "\", GitTreeState:\"clean\", GoVersion:\"go1.25.9\", KubeClientVersion:\"v1.35\"}\n");
            }
            else
            {
                Stdout.Write("version.BuildInfo{Version:\"" + ver + "\", GitCommit:\"" + commit + "\", GitTreeState:\"clean\", GoVersion:\"go1.24.11\"}\n");
            }
            return 0;
        }
    }
}
