using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using SBKube.Core;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>One table of ErrorIds: the code raises only those of <see cref="ErrorIds"/>, and about_SBKube lists exactly them.</summary>
    public sealed class ErrorIdCatalogTests
    {
        private static readonly string Root = FindRoot();
        private static readonly string About = File.ReadAllText(Path.Combine(Root, "docs", "about_SBKube.md"));

        private static string FindRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "SBKube.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }
            return dir ?? throw new InvalidOperationException("SBKube.sln not found above " + AppContext.BaseDirectory);
        }

        private static IEnumerable<string> PlainIds() => typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !f.Name.EndsWith("Prefix", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

        /// <summary>The text of the family's bullet in the ERROR IDS section, e.g. for <c>Helm.</c>.</summary>
        private static string FamilyBullet(string prefix)
        {
            Match m = Regex.Match(About, "^- `" + Regex.Escape(prefix) + "<[a-z]+>`:(?<text>.*?)(?=^- |^$)", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(m.Success, $"about_SBKube has no bullet for the {prefix} family");
            return m.Groups["text"].Value;
        }

        private static void AssertNamed(string text, string name, string where) =>
            Assert.True(Regex.IsMatch(text, @"(?<![A-Za-z.])" + Regex.Escape(name) + @"(?![A-Za-z])"), $"{name} is not listed in {where}");

        [Fact]
        public void Every_plain_ErrorId_is_listed_once_in_about_SBKube()
        {
            foreach (string id in PlainIds())
            {
                Assert.True(Regex.Matches(About, "^- " + Regex.Escape(id) + ":", RegexOptions.Multiline).Count == 1, $"{id} is not listed once in about_SBKube");
            }
        }

        [Fact]
        public void Every_kind_of_every_family_is_listed()
        {
            string helm = FamilyBullet(ErrorIds.HelmPrefix);
            foreach (string kind in Enum.GetNames(typeof(HelmErrorKind)))
            {
                AssertNamed(helm, kind, "the Helm. family");
            }
            string store = FamilyBullet(ErrorIds.StateStorePrefix);
            foreach (string kind in Enum.GetNames(typeof(StateStoreErrorKind)))
            {
                AssertNamed(store, kind, "the StateStore. family");
            }
            string config = FamilyBullet(ErrorIds.ConfigPrefix);
            foreach (FieldInfo code in typeof(ConfigIssueCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                AssertNamed(config, (string)code.GetRawConstantValue()!, "the Config. family");
            }
            string cli = FamilyBullet("SbkubeCli.");
            string module = string.Concat(Directory.GetFiles(Path.Combine(Root, "module"), "*.ps*1").Select(File.ReadAllText));
            var cliIds = Regex.Matches(module, @"New-SbkubeCliError -Id '(\w+)'").Select(m => m.Groups[1].Value)
                .Concat(Regex.Matches(module, @"'SbkubeCli\.(\w+)'").Select(m => m.Groups[1].Value)).Distinct().ToList();
            Assert.NotEmpty(cliIds);
            cliIds.ForEach(id => AssertNamed(cli, id, "the SbkubeCli. family"));
        }

        [Fact]
        public void About_SBKube_lists_no_ErrorId_the_code_does_not_have()
        {
            var known = new HashSet<string>(PlainIds());
            string others = About.Substring(About.IndexOf("The others:", StringComparison.Ordinal));
            others = others.Substring(0, others.IndexOf("\n## ", StringComparison.Ordinal));
            var listed = Regex.Matches(others, @"^- ([A-Za-z.]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.True(listed.Count >= 30, $"only {listed.Count} ids listed");
            Assert.All(listed, id => Assert.Contains(id, known));
        }

        [Fact]
        public void The_code_spells_no_ErrorId_outside_the_table()
        {
            // The ways an ErrorId is written: an SbkubeException's id before its kind, an ErrorRecord's id before
            // its category, an AppResult's ErrorId, a cmdlet's Fail(id, ...), and a literal prefix joined to a kind.
            var patterns = new[]
            {
                new Regex(@"""[A-Za-z.]+"",\s*ErrorKind\."),
                new Regex(@"""[A-Za-z.]+"",\s*ErrorCategory\."),
                new Regex(@"ErrorId\s*=\s*""[A-Za-z.]+"""),
                new Regex(@"Fail\(""[A-Za-z.]+"""),
                new Regex(@"""(Helm|StateStore|Config|Kubectl)\.?""\s*\+"),
            };
            var found = new List<string>();
            foreach (string file in Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                                     && Path.GetFileName(f) != "ErrorIds.cs"))
            {
                string text = File.ReadAllText(file);
                found.AddRange(patterns.SelectMany(p => p.Matches(text)).Select(m => Path.GetFileName(file) + ": " + m.Value));
            }
            Assert.Empty(found);
        }

        [Fact]
        public void Every_error_kind_is_a_PowerShell_error_category_of_the_same_name()
        {
            foreach (ErrorKind kind in Enum.GetValues<ErrorKind>())
            {
                Assert.True(Enum.TryParse(kind.ToString(), out System.Management.Automation.ErrorCategory category), $"{kind} is no ErrorCategory");
                Assert.Equal(kind.ToString(), category.ToString());
            }
        }

        [Fact]
        public void An_app_result_and_the_exception_behind_it_get_the_same_category()
        {
            var helm = new HelmException(HelmErrorKind.Timeout, "timed out waiting for the condition", 1);
            ErrorClass named = ErrorClassifier.Classify(helm)!;
            Assert.Equal(ErrorKind.OperationTimeout, named.Kind);
            Assert.Equal(named.Kind, ErrorClassifier.KindOf(named.ErrorId));
            var store = new StateStoreException(StateStoreErrorKind.ReadOnly, "/x/state.db", "read-only");
            Assert.Equal(ErrorClassifier.Classify(store)!.Kind, ErrorClassifier.KindOf(ErrorIds.StateStore(StateStoreErrorKind.ReadOnly)));
            Assert.Equal(ErrorKind.OperationStopped, ErrorClassifier.KindOf(ErrorIds.DependencySkipped));
        }
    }
}
