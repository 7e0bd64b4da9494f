using System;
using System.Collections.Generic;
using System.Linq;

namespace SBKube.Core.Config
{
    /// <summary>
    /// What one config load shares between its readers: the config file and folder, the files parsed so far,
    /// and every problem found, reported together in file order (config.yaml first).
    /// </summary>
    internal sealed class ConfigReadContext
    {
        private readonly List<ConfigIssue> _issues = new List<ConfigIssue>();
        private readonly Dictionary<string, int> _fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);

        public string ConfigFile { get; set; } = "";

        /// <summary>Reads vault credentials; null where none is given (the engine alone).</summary>
        public ISecretSource? Secrets { get; set; }

        public string Dir { get; set; } = "";

        /// <summary>YAML files already parsed (values and manifests named by several apps are parsed once).</summary>
        public HashSet<string> ParsedYamlFiles { get; } = new HashSet<string>(StringComparer.Ordinal);

        public List<ConfigIssue> SortedIssues()
        {
            return _issues
                .Select((issue, i) => (issue, i))
                .OrderBy(t => FileRank(t.issue.File))
                .ThenBy(t => t.issue.Line)
                .ThenBy(t => t.issue.Column)
                .ThenBy(t => t.i)
                .Select(t => t.issue)
                .ToList();
        }

        public int FileRank(string file)
        {
            if (!_fileOrder.TryGetValue(file, out var r))
            {
                r = _fileOrder.Count;
                _fileOrder[file] = r;
            }
            return r;
        }

        public void Add(string file, int line, int col, string code, string message, string? value = null, string? expected = null)
        {
            FileRank(file);
            _issues.Add(new ConfigIssue(file, line, col, code, message, value, expected));
        }

        public void Add(string file, YNode at, string code, string message, string? value = null, string? expected = null)
            => Add(file, at.Line, at.Column, code, message, value, expected);

        public void AddAll(IEnumerable<ConfigIssue> issues)
        {
            foreach (var i in issues)
            {
                FileRank(i.File);
                _issues.Add(i);
            }
        }

        /// <summary>Parses a file with limits; on a fatal problem records it and returns null.</summary>
        public YamlParseResult? ParseFile(string file, long maxBytes, YamlLimits limits)
        {
            try
            {
                var text = YamlValues.ReadBounded(file, maxBytes);
                var result = YamlTree.Parse(text, file, limits);
                AddAll(result.Issues);
                return result;
            }
            catch (ConfigException ex)
            {
                AddAll(ex.Issues);
                return null;
            }
        }
    }
}
