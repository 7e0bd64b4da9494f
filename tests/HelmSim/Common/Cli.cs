using System;
using System.Collections.Generic;
using System.Globalization;

namespace HelmSim
{
    public enum FlagKind
    {
        /// <summary>Boolean; accepts --flag or --flag=true|false.</summary>
        Bool,
        /// <summary>Takes a value: --flag v or --flag=v.</summary>
        Value,
        /// <summary>Optional value: --flag or --flag=v only (never consumes the next argument).</summary>
        OptValue,
    }

    public sealed class FlagSpec
    {
        public FlagSpec(string name, FlagKind kind, char shorthand = '\0')
        {
            Name = name;
            Kind = kind;
            Shorthand = shorthand;
        }

        public string Name { get; }
        public FlagKind Kind { get; }
        public char Shorthand { get; }
    }

    /// <summary>Cobra/pflag-like parser: flags anywhere, "--" ends flags.</summary>
    public sealed class ParsedArgs
    {
        public List<string> Positionals { get; } = new List<string>();

        /// <summary>Flag values in order of appearance (bool flags store "true"/"false").</summary>
        public Dictionary<string, List<string>> Flags { get; } = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public bool Has(string name) => Flags.ContainsKey(name);

        public string? Get(string name) => Flags.TryGetValue(name, out List<string>? v) ? v[v.Count - 1] : null;

        public List<string> All(string name) => Flags.TryGetValue(name, out List<string>? v) ? v : new List<string>();

        public bool Bool(string name)
        {
            string? v = Get(name);
            return v != null && v != "false";
        }

        public int Int(string name, int defaultValue)
        {
            string? v = Get(name);
            if (v == null) return defaultValue;
            if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i))
            {
                throw new SimException("invalid argument \"" + v + "\" for \"--" + name + "\" flag: strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
            }
            return i;
        }

        public static ParsedArgs Parse(IReadOnlyList<string> args, IEnumerable<FlagSpec> specs, Func<string, string?>? unknownFlagMessage = null)
        {
            var byName = new Dictionary<string, FlagSpec>(StringComparer.Ordinal);
            var byShort = new Dictionary<char, FlagSpec>();
            foreach (FlagSpec s in specs)
            {
                byName[s.Name] = s;
                if (s.Shorthand != '\0') byShort[s.Shorthand] = s;
            }
            var p = new ParsedArgs();
            for (int i = 0; i < args.Count; i++)
            {
                string a = args[i];
                if (a == "--")
                {
                    for (int j = i + 1; j < args.Count; j++) p.Positionals.Add(args[j]);
                    break;
                }
                if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
                {
                    string body = a.Substring(2);
                    string? val = null;
                    int eq = body.IndexOf('=');
                    if (eq >= 0)
                    {
                        val = body.Substring(eq + 1);
                        body = body.Substring(0, eq);
                    }
                    if (!byName.TryGetValue(body, out FlagSpec? spec))
                    {
                        throw new SimException(unknownFlagMessage?.Invoke(body) ?? "unknown flag: --" + body);
                    }
                    i = Assign(p, spec, val, args, i, "--" + body);
                }
                else if (a.StartsWith("-", StringComparison.Ordinal) && a.Length > 1)
                {
                    string body = a.Substring(1);
                    for (int k = 0; k < body.Length; k++)
                    {
                        char c = body[k];
                        if (!byShort.TryGetValue(c, out FlagSpec? spec))
                        {
                            string? custom = unknownFlagMessage?.Invoke("-" + c);
                            throw new SimException(custom ?? "unknown shorthand flag: '" + c + "' in -" + body);
                        }
                        string rest = body.Substring(k + 1);
                        if (spec.Kind == FlagKind.Bool)
                        {
                            if (rest.StartsWith("=", StringComparison.Ordinal))
                            {
                                Add(p, spec, ParseBool(rest.Substring(1), "-" + c));
                                break;
                            }
                            Add(p, spec, "true");
                            continue;
                        }
                        if (rest.Length > 0)
                        {
                            Add(p, spec, rest.StartsWith("=", StringComparison.Ordinal) ? rest.Substring(1) : rest);
                        }
                        else if (spec.Kind == FlagKind.OptValue)
                        {
                            Add(p, spec, "");
                        }
                        else
                        {
                            if (i + 1 >= args.Count)
                            {
                                throw new SimException("flag needs an argument: '" + c + "' in -" + c);
                            }
                            Add(p, spec, args[++i]);
                        }
                        break;
                    }
                }
                else
                {
                    p.Positionals.Add(a);
                }
            }
            return p;
        }

        private static string ParseBool(string v, string flag)
        {
            switch (v)
            {
                case "1": case "t": case "T": case "true": case "TRUE": case "True":
                    return "true";
                case "0": case "f": case "F": case "false": case "FALSE": case "False":
                    return "false";
                default:
                    throw new SimException("invalid argument \"" + v + "\" for \"" + flag + "\" flag: strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
            }
        }

        private static int Assign(ParsedArgs p, FlagSpec spec, string? val, IReadOnlyList<string> args, int i, string display)
        {
            switch (spec.Kind)
            {
                case FlagKind.Bool:
                    Add(p, spec, val == null ? "true" : ParseBool(val, display));
                    return i;
                case FlagKind.OptValue:
                    Add(p, spec, val ?? "");
                    return i;
                default:
                    if (val == null)
                    {
                        if (i + 1 >= args.Count)
                        {
                            throw new SimException("flag needs an argument: " + display);
                        }
                        val = args[++i];
                    }
                    Add(p, spec, val);
                    return i;
            }
        }

        private static void Add(ParsedArgs p, FlagSpec spec, string value)
        {
            if (!p.Flags.TryGetValue(spec.Name, out List<string>? list))
            {
                list = new List<string>();
                p.Flags[spec.Name] = list;
            }
            list.Add(value);
        }
    }
}
