using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace SBKube.Core.Tests.Helm
{
    /// <summary>
    /// A tiny fake <c>helm</c>: a bash script that records its argv (NUL-separated, one file per call),
    /// what it read on stdin when <c>--password-stdin</c> or <c>--values -</c> is given,
    /// then prints canned output. Unix only.
    /// </summary>
    internal sealed class FakeHelm : IDisposable
    {
        private const string Script = @"#!/bin/bash
d=""$(cd ""$(dirname ""$0"")"" && pwd)""
n=$(ls ""$d/calls"" | wc -l)
n=$(printf '%04d' ""$n"")
printf '%s\0' ""$@"" > ""$d/calls/$n""
prev=""""
for a in ""$@""; do
  if [ ""$a"" = ""--"" ]; then break; fi
  if [ ""$a"" = ""--password-stdin"" ]; then cat > ""$d/stdin-$n""; fi
  if [ ""$a"" = ""-"" ] && { [ ""$prev"" = ""-f"" ] || [ ""$prev"" = ""--values"" ]; }; then cat > ""$d/stdin-$n""; fi
  prev=""$a""
done
if [ ""$1"" = ""version"" ]; then cat ""$d/version.txt""; exit 0; fi
if [ -f ""$d/stderr.txt"" ]; then cat ""$d/stderr.txt"" >&2; exit ""$(cat ""$d/exit.txt"")""; fi
if [ -f ""$d/out-$1.txt"" ]; then cat ""$d/out-$1.txt""; fi
exit 0
";

        public FakeHelm(string version = "v3.21.4+g8d5f8ba")
        {
            Dir = Path.Combine(Path.GetTempPath(), "sbkube-fakehelm-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(Dir, "calls"));
            Executable = Path.Combine(Dir, "helm");
            File.WriteAllText(Executable, Script.Replace("\r\n", "\n"));
#pragma warning disable CA1416 // Unix only (tests use UnixFact)
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
#pragma warning restore CA1416
            File.WriteAllText(Path.Combine(Dir, "version.txt"), version + "\n");
            Output("upgrade", "{\"name\":\"redis\",\"info\":{\"status\":\"deployed\",\"description\":\"Upgrade complete\"},\"chart\":{\"metadata\":{\"name\":\"redis\",\"version\":\"17.13.2\"}},\"version\":2,\"namespace\":\"state-demo\"}\n");
            Output("list", "[]\n");
            Output("history", "[{\"revision\":1,\"updated\":\"2025-10-24T10:00:00Z\",\"status\":\"deployed\",\"chart\":\"redis-17.13.2\",\"app_version\":\"7.0.12\",\"description\":\"Install complete\"}]\n");
        }

        public string Dir { get; }
        public string Executable { get; }

        public void Output(string command, string stdout) => File.WriteAllText(Path.Combine(Dir, "out-" + command + ".txt"), stdout);

        /// <summary>Every later non-version call fails with this stderr and exit code.</summary>
        public void Fail(string stderr, int exitCode = 1)
        {
            File.WriteAllText(Path.Combine(Dir, "stderr.txt"), stderr);
            File.WriteAllText(Path.Combine(Dir, "exit.txt"), exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>Argument arrays of every call, in order.</summary>
        public List<string[]> Calls =>
            Directory.GetFiles(Path.Combine(Dir, "calls")).OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => File.ReadAllText(f).Split('\0').SkipLast(1).ToArray()).ToList();

        /// <summary>The last call that is not <c>version --short</c>.</summary>
        public string[] Last
        {
            get
            {
                string[] last = Calls.LastOrDefault(c => c.Length == 0 || c[0] != "version")
                    ?? throw new InvalidOperationException("helm was not called (other than version)");
                return last;
            }
        }

        public int CallIndex(string[] call) => Calls.FindIndex(c => c.SequenceEqual(call));

        public string? Stdin(int callIndex)
        {
            string p = Path.Combine(Dir, "stdin-" + callIndex.ToString("0000", System.Globalization.CultureInfo.InvariantCulture));
            return File.Exists(p) ? File.ReadAllText(p) : null;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Dir, true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>Asserts that <paramref name="flag"/> appears followed by <paramref name="value"/>.</summary>
        public static void HasPair(string[] args, string flag, string value)
        {
            int i = Array.IndexOf(args, flag);
            Assert.True(i >= 0 && i + 1 < args.Length, $"{flag} missing in: {string.Join(" ", args)}");
            Assert.Equal(value, args[i + 1]);
        }
    }
}
