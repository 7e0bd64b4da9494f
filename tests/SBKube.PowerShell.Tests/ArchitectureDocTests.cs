using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>
    /// docs/ARCHITECTURE.md, the "how to add" lists above all, names files, types and members: each must exist, so
    /// a rename or a move that leaves the guide behind fails here.
    /// </summary>
    public sealed class ArchitectureDocTests
    {
        private static readonly string Root = FindRoot();
        private static readonly string[] SourceFolders = { "src", "module", "build", "tests" };
        /// <summary>The repository's own files under <see cref="SourceFolders"/>, without build output.</summary>
        private static readonly Lazy<List<string>> SourceFiles = new Lazy<List<string>>(() => SourceFolders
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*", SearchOption.AllDirectories))
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                        && !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList());

        private static readonly Lazy<string> AllSource = new Lazy<string>(() => string.Join("\n", SourceFiles.Value
            .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".ps1", StringComparison.Ordinal)
                        || p.EndsWith(".psm1", StringComparison.Ordinal) || p.EndsWith(".psd1", StringComparison.Ordinal))
            .Where(p => !p.EndsWith(nameof(ArchitectureDocTests) + ".cs", StringComparison.Ordinal))
            .Select(File.ReadAllText)));

        private static string FindRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "SBKube.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }
            return dir ?? throw new InvalidOperationException("SBKube.sln not found above " + AppContext.BaseDirectory);
        }

        private static readonly Regex PathLike = new Regex(@"/|\.(cs|ps1|psm1|psd1|md|ps1xml)$");
        private static readonly Regex CodeName = new Regex(@"^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*(<[^>]*>)?(\(.*\))?$");

        /// <summary>What a span of the guide names that the repository does not have; empty when all is there.</summary>
        private static IEnumerable<string> Missing(string markdown)
        {
            foreach (Match m in Regex.Matches(markdown, "`([^`\n]+)`"))
            {
                string span = m.Groups[1].Value.Trim();
                if ((span.Contains(' ', StringComparison.Ordinal) && !CodeName.IsMatch(span)) || span.StartsWith("/", StringComparison.Ordinal)
                    || (span.Contains('<', StringComparison.Ordinal) && !CodeName.IsMatch(span)))
                {
                    continue; // a command line, a phrase, a URL path or a pattern with placeholders, not a name
                }
                if (PathLike.IsMatch(span) && !span.StartsWith("$", StringComparison.Ordinal) && !span.Contains("://", StringComparison.Ordinal))
                {
                    if (!FileExists(span))
                    {
                        yield return span;
                    }
                }
                else if (CodeName.IsMatch(span) && span.Any(char.IsLower)) // not SQL's GREATEST
                {
                    string bare = Regex.Replace(span, @"(<[^>]*>)?(\(.*\))?$", "");
                    foreach (string part in bare.Split('.').Where(p => !Regex.IsMatch(AllSource.Value, @"\b" + Regex.Escape(p) + @"\b")))
                    {
                        yield return span + " (" + part + ")";
                    }
                }
            }
        }

        /// <summary>A path as the guide writes it: from the root, from a project folder, without .cs, or a file name with a * in it.</summary>
        private static bool FileExists(string span)
        {
            string relative = span.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar);
            foreach (string baseDir in new[] { "", "src", "src/SBKube.Core", "src/SBKube.PowerShell", "tests" })
            {
                string candidate = Path.Combine(Root, baseDir.Replace('/', Path.DirectorySeparatorChar), relative);
                if (File.Exists(candidate) || Directory.Exists(candidate) || File.Exists(candidate + ".cs"))
                {
                    return true;
                }
                string? dir = Path.GetDirectoryName(candidate);
                if (relative.Contains('*', StringComparison.Ordinal) && dir != null && Directory.Exists(dir)
                    && Directory.EnumerateFiles(dir, Path.GetFileName(candidate)).Any())
                {
                    return true;
                }
            }
            // A bare file name (a * in it stands for any text): anywhere in the sources.
            return !relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && SourceFiles.Value.Any(p => Regex.IsMatch(Path.GetFileName(p), "^" + Regex.Escape(relative).Replace(@"\*", ".*") + "$"));
        }

        [Fact]
        public void Every_file_type_and_member_the_architecture_guide_names_exists()
        {
            string guide = File.ReadAllText(Path.Combine(Root, "docs", "ARCHITECTURE.md"));
            Assert.Equal(Array.Empty<string>(), Missing(guide).ToArray());
        }

        [Fact]
        public void The_check_finds_a_name_or_file_that_is_not_there()
        {
            Assert.Equal(new[] { "NoSuchEngine.PlanAsync(x) (NoSuchEngine)", "Engine/NoSuchFile.cs" },
                Missing("Call `NoSuchEngine.PlanAsync(x)`, see `Engine/NoSuchFile.cs` and `ChangeEngine<TRequest>`."));
        }
    }
}
