using System;
using System.IO;
using YamlDotNet.RepresentationModel;

namespace SBKube.Core.Kubectl
{
    /// <summary>Reads <c>current-context</c> from a kubeconfig without running kubectl.</summary>
    public static class KubeconfigReader
    {
        /// <summary>The explicit file, else the first of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>; null when none says.</summary>
        public static string? CurrentContext(string? kubeconfig)
        {
            string? path = kubeconfig;
            if (string.IsNullOrEmpty(path))
            {
                string? env = Environment.GetEnvironmentVariable("KUBECONFIG");
                path = !string.IsNullOrEmpty(env)
                    ? env!.Split(Path.PathSeparator)[0]
                    : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "", ".kube", "config");
            }
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
