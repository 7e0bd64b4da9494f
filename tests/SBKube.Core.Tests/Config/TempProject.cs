using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    /// <summary>A throw-away project directory: Root/proj holds config.yaml.</summary>
    internal sealed class TempProject : IDisposable
    {
        public const string BitnamiSources = "helm_repos:\n  bitnami: https://charts.bitnami.com/bitnami\n";

        public TempProject(bool withSources = true)
        {
            Root = Path.Combine(Path.GetTempPath(), "sbkube-cfg-" + Guid.NewGuid().ToString("N"));
            Dir = Path.Combine(Root, "proj");
            Directory.CreateDirectory(Dir);
            Dir = ProjectPaths.RealPath(Dir);
            Root = Path.GetDirectoryName(Dir)!;
            if (withSources) Write("sources.yaml", BitnamiSources);
        }

        public string Root { get; }
        public string Dir { get; }
        public string ConfigFile => Path.Combine(Dir, "config.yaml");
        public string ConfigText { get; private set; } = "";

        public string Write(string rel, string content)
        {
            var p = Path.GetFullPath(Path.Combine(Dir, rel));
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, content);
            return p;
        }

        public string Config(string yaml)
        {
            ConfigText = yaml;
            return Write("config.yaml", yaml);
        }

        public IReadOnlyList<ConfigIssue> Validate() => ConfigLoader.Validate(Dir);

        public SbkubeConfig Load(string? ns = null) => ConfigLoader.Load(Dir, ns);

        /// <summary>1-based (line, column) of the n-th occurrence of <paramref name="needle"/> in the config text.</summary>
        public (int Line, int Column) Pos(string needle, int occurrence = 1) => PosIn(ConfigText, needle, occurrence);

        public static (int Line, int Column) PosIn(string text, string needle, int occurrence = 1)
        {
            var idx = -1;
            for (int i = 0; i < occurrence; i++)
            {
                idx = text.IndexOf(needle, idx + 1, StringComparison.Ordinal);
                if (idx < 0) throw new ArgumentException($"'{needle}' not found {occurrence} times");
            }
            var before = text.Substring(0, idx);
            var line = before.Count(c => c == '\n') + 1;
            var col = idx - (before.LastIndexOf('\n') + 1) + 1;
            return (line, col);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, true);
            }
            catch (Exception)
            {
                // best effort
            }
        }

        /// <summary>Asserts that the only issue is one with <paramref name="code"/> at the position of <paramref name="needle"/>.</summary>
        public ConfigIssue Only(string code, string needle, int occurrence = 1, string? file = null)
        {
            var issues = Validate();
            var issue = Assert.Single(issues);
            Assert.Equal(code, issue.Code);
            var (line, col) = Pos(needle, occurrence);
            Assert.Equal(file ?? ConfigFile, issue.File);
            Assert.Equal(line, issue.Line);
            Assert.Equal(col, issue.Column);
            return issue;
        }
    }
}
