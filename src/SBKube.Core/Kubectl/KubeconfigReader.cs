using System;
using System.IO;
using YamlDotNet.RepresentationModel;

namespace SBKube.Core.Kubectl
{
    /// <summary>Reads <c>current-context</c> from a kubeconfig without running kubectl.</summary>
    public static class KubeconfigReader
    {
        /// <summary>
        /// The explicit file's <c>current-context</c>; else, as kubectl merges them, the first file of
        /// <c>$KUBECONFIG</c> (a list with the OS path separator) that sets one; else <c>~/.kube/config</c>
        /// (USERPROFILE on Windows). Null when none says.
        /// </summary>
        public static string? CurrentContext(string? kubeconfig)
        {
            if (!string.IsNullOrEmpty(kubeconfig))
            {
                return Read(kubeconfig!);
            }
            string? env = Environment.GetEnvironmentVariable("KUBECONFIG");
            if (!string.IsNullOrEmpty(env))
            {
                foreach (string file in env!.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (Read(file) is string context)
                    {
                        return context;
                    }
                }
                return null;
            }
            string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h
                : Environment.GetEnvironmentVariable("USERPROFILE") ?? "";
            return Read(Path.Combine(home, ".kube", "config"));
        }

        private static string? Read(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }
            try
            {
                using var reader = new StreamReader(path);
                var yaml = new YamlStream();
                yaml.Load(reader);
                if (yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode root
                    && root.Children.TryGetValue(new YamlScalarNode("current-context"), out YamlNode? node)
                    && node is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value))
                {
                    return scalar.Value;
                }
            }
            catch (Exception e) when (e is IOException || e is YamlDotNet.Core.YamlException)
            {
                // An unreadable kubeconfig means "unknown context"; helm reports the real problem.
            }
            return null;
        }
    }
}
