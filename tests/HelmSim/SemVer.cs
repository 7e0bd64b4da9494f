using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HelmSim
{
    public static class SemVer
    {
        private static (long[] Nums, string Pre) Split(string v)
        {
            v = v.TrimStart('v');
            int plus = v.IndexOf('+');
            if (plus >= 0) v = v.Substring(0, plus);
            string pre = "";
            int dash = v.IndexOf('-');
            if (dash >= 0)
            {
                pre = v.Substring(dash + 1);
                v = v.Substring(0, dash);
            }
            string[] parts = v.Split('.');
            var nums = new long[3];
            for (int i = 0; i < 3 && i < parts.Length; i++)
            {
                long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out nums[i]);
            }
            return (nums, pre);
        }

        public static bool IsPrerelease(string v) => Split(v).Pre.Length > 0;

        public static int Compare(string a, string b)
        {
            var (na, pa) = Split(a);
            var (nb, pb) = Split(b);
            for (int i = 0; i < 3; i++)
            {
                int c = na[i].CompareTo(nb[i]);
                if (c != 0) return c;
            }
            if (pa.Length == 0 && pb.Length == 0) return 0;
            if (pa.Length == 0) return 1;
            if (pb.Length == 0) return -1;
            return string.CompareOrdinal(pa, pb);
        }

        public static bool LooksLikeConstraint(string c) => c.IndexOfAny(new[] { '^', '~', '>', '<', '=', '*', 'x', 'X', ',', ' ' }) >= 0 || Regex.IsMatch(c, @"^v?\d+(\.\d+)?$");

        public static bool Satisfies(string v, string constraint)
        {
            foreach (string orPart in constraint.Split("||"))
            {
                bool all = true;
                foreach (string term in orPart.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!One(v, term.Trim())) { all = false; break; }
                }
                if (all) return true;
            }
            return false;
        }

        private static bool One(string v, string t)
        {
            string op = "";
            foreach (string o in new[] { ">=", "<=", "!=", ">", "<", "=", "^", "~" })
            {
                if (t.StartsWith(o, StringComparison.Ordinal)) { op = o; t = t.Substring(o.Length).Trim(); break; }
            }
            string[] parts = t.TrimStart('v').Split('.');
            int given = parts.TakeWhile(p => p.Length > 0 && p != "x" && p != "X" && p != "*").Count();
            string baseV = string.Join(".", parts.Take(given).Concat(Enumerable.Repeat("0", 3)).Take(3));
            int cmp = Compare(v, baseV);
            var (nv, _) = Split(v);
            var (nb, _) = Split(baseV);
            switch (op)
            {
                case ">=": return cmp >= 0;
                case ">": return cmp > 0;
                case "<=": return cmp <= 0;
                case "<": return cmp < 0;
                case "!=": return cmp != 0;
                case "^": return cmp >= 0 && nv[0] == nb[0] && (nb[0] != 0 || nv[1] == nb[1]);
                case "~": return cmp >= 0 && nv[0] == nb[0] && (given < 2 || nv[1] == nb[1]);
                default:
                    if (given >= 3) return cmp == 0;
                    for (int i = 0; i < given; i++) if (nv[i] != nb[i]) return false;
                    return true;
            }
        }
    }
}
