using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using HelmSim;

namespace KubectlSim
{
    /// <summary>Minimal kubectl simulator sharing $HELMSIM_HOME with HelmSim. Objects: HOME/kube/&lt;ns&gt;/&lt;resource&gt;/&lt;name&gt;.yaml.</summary>
    public static partial class Program
    {
        private static TextWriter stdout = null!;
        private static TextWriter stderr = null!;
        private static Faults faults = null!;

        public static int Main(string[] argv)
        {
            DateTime start = DateTime.UtcNow;
            stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
            stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            int code;
            try
            {
                code = Run(argv);
            }
            catch (SimException e)
            {
                stdout.Flush();
                if (e.Message.Length > 0) stderr.Write(e.Raw ? e.Message + "\n" : "error: " + e.Message + "\n");
                code = e.ExitCode;
            }
            catch (Exception e)
            {
                stdout.Flush();
                stderr.Write("error: kubectlsim internal error: " + e.GetType().Name + ": " + e.Message + "\n");
                code = 1;
            }
            stdout.Flush();
            CallLog.Write("kubectl", start, DateTime.UtcNow, code, argv);
            return code;
        }

        private static IEnumerable<FlagSpec> Flags()
        {
            yield return new FlagSpec("namespace", FlagKind.Value, 'n');
            yield return new FlagSpec("context", FlagKind.Value);
            yield return new FlagSpec("kubeconfig", FlagKind.Value);
            yield return new FlagSpec("request-timeout", FlagKind.Value);
            yield return new FlagSpec("filename", FlagKind.Value, 'f');
            yield return new FlagSpec("output", FlagKind.Value, 'o');
            yield return new FlagSpec("ignore-not-found", FlagKind.Bool);
            yield return new FlagSpec("dry-run", FlagKind.OptValue);
            yield return new FlagSpec("server-side", FlagKind.Bool);
            yield return new FlagSpec("force-conflicts", FlagKind.Bool);
            yield return new FlagSpec("field-manager", FlagKind.Value);
            yield return new FlagSpec("wait", FlagKind.Bool);
            yield return new FlagSpec("timeout", FlagKind.Value);
            yield return new FlagSpec("client", FlagKind.Bool);
            yield return new FlagSpec("recursive", FlagKind.Bool, 'R');
            yield return new FlagSpec("all-namespaces", FlagKind.Bool, 'A');
            yield return new FlagSpec("v", FlagKind.Value, 'v');
        }

        private static int Run(string[] argv)
        {
            faults = Faults.Load();
            ParsedArgs p = ParsedArgs.Parse(argv, Flags());
            if (p.Positionals.Count == 0)
            {
                stdout.Write("kubectl controls the Kubernetes cluster manager (KubectlSim).\n");
                return 0;
            }
            string cmd = p.Positionals[0];
            string ns = p.Get("namespace") is { Length: > 0 } n ? n : "default";
            switch (cmd)
            {
                case "version":
                    Delay("version");
                    if (p.Get("output") == "json")
                    {
                        stdout.Write("{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"34\",\n    \"gitVersion\": \"v1.34.1\",\n    \"platform\": \"linux/amd64\"\n  },\n  \"kustomizeVersion\": \"v5.7.1\"\n}\n");
                    }
                    else
                    {
                        stdout.Write("Client Version: v1.34.1\nKustomize Version: v5.7.1\n");
                    }
                    if (!p.Bool("client"))
                    {
                        CheckReachable();
                        stdout.Write("Server Version: v1.34.0\n");
                    }
                    return 0;
                case "config":
                    {
                        string ctx = Environment.GetEnvironmentVariable("HELMSIM_KUBE_CONTEXT") is { Length: > 0 } c ? c : "helmsim";
                        string sub = p.Positionals.Count > 1 ? p.Positionals[1] : "";
                        if (sub == "current-context")
                        {
                            stdout.Write(ctx + "\n");
                            return 0;
                        }
                        if (sub == "get-contexts")
                        {
                            if (p.Get("output") == "name") stdout.Write(ctx + "\n");
                            else stdout.Write("CURRENT   NAME      CLUSTER   AUTHINFO   NAMESPACE\n*         " + ctx + "   " + ctx + "   " + ctx + "\n");
                            return 0;
                        }
                        throw new SimException("unknown command \"" + sub + "\" for \"kubectl config\"");
                    }
                case "apply":
                    return Apply(p, ns);
                case "delete":
                    return Delete(p, ns);
                case "get":
                    return Get(p, ns);
                case "create":
                    if (p.Positionals.Count == 3 && (p.Positionals[1] == "namespace" || p.Positionals[1] == "ns"))
                    {
                        Delay("create");
                        CheckReachable();
                        string name = p.Positionals[2];
                        string path = ObjectStore.FilePath("", "namespace", name);
                        using (FileLock.State())
                        {
                            if (File.Exists(path)) throw new SimException("Error from server (AlreadyExists): namespaces \"" + name + "\" already exists", raw: true);
                            var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
                            SimEnv.WriteAtomic(path, Yaml.Emit(obj));
                            Store.CreateNamespace(name);
                        }
                        stdout.Write("namespace/" + name + " created\n");
                        return 0;
                    }
                    throw new SimException("kubectlsim supports only: create namespace NAME");
                default:
                    throw new SimException("unknown command \"" + cmd + "\" for \"kubectl\"", raw: false);
            }
        }

        private static void Delay(string command)
        {
            int ms = faults.DelayMs("kubectl-" + command);
            if (ms == 0) ms = faults.DelayMs(command);
            if (ms > 0) Thread.Sleep(ms);
        }

        private static void CheckReachable()
        {
            if (faults.Unreachable)
            {
                throw new SimException("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?", raw: true);
            }
        }
    }
}
