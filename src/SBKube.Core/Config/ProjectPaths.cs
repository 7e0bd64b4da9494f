using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Path helpers: symlink-resolving real paths, containment checks, a small glob matcher.</summary>
    public static class ProjectPaths
    {
        private static readonly PropertyInfo? LinkTargetProperty = typeof(FileSystemInfo).GetProperty("LinkTarget");

        public static StringComparison PathComparison =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;

        private static readonly char[] Separators = { '/', '\\' };

        /// <summary>Full path with '..' removed and every symbolic link along it resolved (as far as the runtime allows).</summary>
        public static string RealPath(string path)
        {
            var full = Path.GetFullPath(path);
            var root = Path.GetPathRoot(full) ?? "";
            var parts = new List<string>(Split(full.Substring(root.Length)));
            var current = root;
            int hops = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                var part = parts[i];
                if (part == "." || part.Length == 0) continue;
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                var next = Path.Combine(current, part);
                var target = hops < 40 ? LinkTarget(next) : null;
                if (target != null)
                {
                    hops++;
                    var abs = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                    var newRoot = Path.GetPathRoot(abs) ?? "";
                    var rest = parts.Skip(i + 1).ToList();
                    parts = new List<string>(Split(abs.Substring(newRoot.Length)));
                    parts.AddRange(rest);
                    current = newRoot;
                    i = -1;
                    continue;
                }
                current = next;
            }
            return current;
        }

        private static IEnumerable<string> Split(string s) => s.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

        private static string? LinkTarget(string path)
        {
            if (LinkTargetProperty == null) return null;
            try
            {
                var attrs = File.GetAttributes(path);
                if ((attrs & FileAttributes.ReparsePoint) == 0) return null;
                FileSystemInfo fi = (attrs & FileAttributes.Directory) != 0 ? new DirectoryInfo(path) : new FileInfo(path);
                return LinkTargetProperty.GetValue(fi) as string;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or below it, after resolving '..' and symlinks.</summary>
        public static bool IsInside(string path, string directory)
        {
            var p = RealPath(path).TrimEnd(Separators);
            var d = RealPath(directory).TrimEnd(Separators);
            if (string.Equals(p, d, PathComparison)) return true;
            return p.StartsWith(d + Path.DirectorySeparatorChar, PathComparison)
                || (Path.DirectorySeparatorChar != '/' && p.StartsWith(d + "/", PathComparison));
        }

        public static bool IsGlob(string pattern) => pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        /// <summary>
        /// Expands a glob relative to <paramref name="baseDirectory"/>: <c>*</c> and <c>?</c> within one path segment,
        /// <c>[abc]</c> character classes, <c>**</c> for any number of directories. Returns absolute file paths, sorted, distinct.
        /// Symlinked directories are not descended into by <c>**</c>.
        /// </summary>
        public static IReadOnlyList<string> ExpandGlob(string baseDirectory, string pattern)
        {
            var segments = pattern.Split(Separators, StringSplitOptions.RemoveEmptyEntries).ToList();
            string start;
            if (Path.IsPathRooted(pattern))
            {
                start = Path.GetPathRoot(Path.GetFullPath(pattern)) ?? "/";
                var rootSegs = Split(start).Count();
                segments = segments.Skip(rootSegs).ToList();
            }
            else
            {
                start = baseDirectory;
            }
            // Leading literal segments (including '..') form the base directory.
            int k = 0;
            while (k < segments.Count - 1 && !IsGlob(segments[k]))
            {
                start = Path.Combine(start, segments[k]);
                k++;
            }
            start = Path.GetFullPath(start);
            var results = new SortedSet<string>(StringComparer.Ordinal);
            if (Directory.Exists(start)) Match(start, segments, k, results, 0);
            return results.ToList();
        }

        private static void Match(string dir, List<string> segs, int i, SortedSet<string> results, int depth)
        {
            if (depth > 64 || results.Count > 10000) return;
            var seg = segs[i];
            bool last = i == segs.Count - 1;
            if (seg == "**")
            {
                if (last)
                {
                    foreach (var f in SafeFiles(dir, "*")) results.Add(f);
                    foreach (var d in SafeDirs(dir)) Match(d, segs, i, results, depth + 1);
                    return;
                }
                Match(dir, segs, i + 1, results, depth);
                foreach (var d in SafeDirs(dir))
                    if (!IsLink(d)) Match(d, segs, i, results, depth + 1);
                return;
            }
            if (seg == ".." || seg == ".")
            {
                if (!last) Match(Path.GetFullPath(Path.Combine(dir, seg)), segs, i + 1, results, depth + 1);
                return;
            }
            var rx = SegmentRegex(seg);
            if (last)
            {
                foreach (var f in SafeFiles(dir, "*"))
                    if (rx.IsMatch(Path.GetFileName(f))) results.Add(f);
            }
            else
            {
                foreach (var d in SafeDirs(dir))
                    if (rx.IsMatch(Path.GetFileName(d))) Match(d, segs, i + 1, results, depth + 1);
            }
        }

        private static bool IsLink(string path)
        {
            try { return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0; }
            catch (Exception) { return false; }
        }

        private static IEnumerable<string> SafeFiles(string dir, string pattern)
        {
            try { return Directory.GetFiles(dir, pattern); }
            catch (Exception) { return Array.Empty<string>(); }
        }

        private static IEnumerable<string> SafeDirs(string dir)
        {
            try { return Directory.GetDirectories(dir); }
            catch (Exception) { return Array.Empty<string>(); }
        }

        private static Regex SegmentRegex(string seg)
        {
            var sb = new StringBuilder("^");
            for (int i = 0; i < seg.Length; i++)
            {
                var c = seg[i];
                switch (c)
                {
                    case '*':
                        sb.Append("[^/\\\\]*");
                        break;
                    case '?':
                        sb.Append("[^/\\\\]");
                        break;
                    case '[':
                    {
                        var close = seg.IndexOf(']', i + 2);
                        if (close < 0)
                        {
                            sb.Append("\\[");
                            break;
                        }
                        var body = seg.Substring(i + 1, close - i - 1);
                        var negate = body.StartsWith("!", StringComparison.Ordinal) || body.StartsWith("^", StringComparison.Ordinal);
                        if (negate) body = body.Substring(1);
                        sb.Append('[').Append(negate ? "^" : "").Append(body.Replace("\\", "\\\\").Replace("[", "\\[")).Append(']');
                        i = close;
                        break;
                    }
                    default:
                        sb.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }
            sb.Append('$');
            var opts = RegexOptions.CultureInvariant;
            if (PathComparison == StringComparison.OrdinalIgnoreCase) opts |= RegexOptions.IgnoreCase;
            return new Regex(sb.ToString(), opts);
        }
    }
}
