using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SBKube.Core.Config;

namespace SBKube.PowerShell.Completion
{
    /// <summary>Completes -Path with directories that hold a config.yaml (and such files themselves).</summary>
    public sealed class ConfigPathCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            string cwd;
            using (var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                cwd = ps.AddCommand("Get-Location").Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? Directory.GetCurrentDirectory();
            }
            string typedDir = word.Length == 0 ? "" : word.EndsWith("/", StringComparison.Ordinal) || word.EndsWith("\\", StringComparison.Ordinal)
                ? word
                : Path.GetDirectoryName(word) ?? "";
            string searchDir = Path.Combine(cwd, typedDir);
            if (!Directory.Exists(searchDir))
            {
                return Array.Empty<CompletionResult>();
            }
            var results = new List<CompletionResult>();
            foreach (string dir in SafeDirectories(searchDir))
            {
                string shown = typedDir.Length == 0 ? Path.GetFileName(dir) : Path.Combine(typedDir, Path.GetFileName(dir));
                if (!shown.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                // Offer folders with a config, and folders that may lead to one.
                bool hasConfig = ConfigLoader.FindConfigFile(dir) != null;
                if (hasConfig || SafeDirectories(dir).Any())
                {
                    string text = shown.Contains(" ") ? "'" + shown + "'" : shown;
                    results.Add(new CompletionResult(text, shown, CompletionResultType.ProviderContainer,
                        hasConfig ? dir + " (has config.yaml)" : dir));
                }
            }
            return results.OrderByDescending(r => r.ToolTip.EndsWith("(has config.yaml)", StringComparison.Ordinal)).ThenBy(r => r.ListItemText);
        }

        private static IEnumerable<string> SafeDirectories(string dir)
        {
            try
            {
                return Directory.EnumerateDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith(".", StringComparison.Ordinal)).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
