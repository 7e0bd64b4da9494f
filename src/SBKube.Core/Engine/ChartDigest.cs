using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// SHA-256 over a local chart folder: every file's path (relative, '/'-separated, in ordinal order) and
    /// content, as helm package would take them. Files named in .helmignore are not left out: a digest that
    /// changes too often redeploys once, one that misses a change never deploys it.
    /// </summary>
    internal static class ChartDigest
    {
        public static string Of(string folder)
        {
            using SHA256 sha = SHA256.Create();
            string root = Path.GetFullPath(folder);
            var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(full => (Full: full, Relative: full.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar).Replace(Path.DirectorySeparatorChar, '/')))
                .OrderBy(f => f.Relative, StringComparer.Ordinal);
            foreach ((string full, string relative) in files)
            {
                byte[] content = File.ReadAllBytes(full);
                byte[] header = Encoding.UTF8.GetBytes(relative + "\0" + content.Length + "\0");
                sha.TransformBlock(header, 0, header.Length, null, 0);
                sha.TransformBlock(content, 0, content.Length, null, 0);
            }
            sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            return "sha256:" + string.Concat(sha.Hash!.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
