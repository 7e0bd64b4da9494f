using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using SBKube.Core;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>The engine states facts and next steps as data; only the cmdlet layer names cmdlets and parameters.</summary>
    public sealed class NextStepWordingTests
    {
        [Fact]
        public void Every_next_step_and_input_has_its_own_wording()
        {
            var steps = typeof(NextStepKind).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                .Select(f => (string)f.GetRawConstantValue()!)
                .Select(k => NextStepWording.Of(new NextStep(k) { LockId = "abc123", Port = 9100, Namespace = "ns", App = "a", Revision = 2, Release = "a" }))
                .ToList();
            Assert.All(steps, text => Assert.Matches(@"\w{3}", text));
            Assert.Equal(steps.Count, steps.Distinct().Count());
            Assert.All(Enum.GetValues(typeof(EngineInput)).Cast<EngineInput>(), i => Assert.StartsWith("-", NextStepWording.Of(i)));
        }

        [Fact]
        public void A_mapped_failure_reads_input_then_facts_then_next_step_and_is_worded_once()
        {
            var e = new SbkubeException("'x' is not an IP address.", ErrorIds.InvalidAddress, ErrorKind.InvalidArgument, "x",
                next: new NextStep(NextStepKind.ChooseListener), input: EngineInput.ListenAddress);
            Assert.True(ErrorMapper.TryMap(e, null, out ErrorRecord? first));
            Assert.True(ErrorMapper.TryMap(e, null, out ErrorRecord? _));
            Assert.Equal("-Address: 'x' is not an IP address. Choose another -Port or -Address, or stop what uses it.", first!.Exception.Message);
            Assert.Equal("'x' is not an IP address.", e.EngineMessage);
        }

        [Fact]
        public void An_existing_file_names_Force_and_a_held_lock_in_a_result_names_the_unlock_command()
        {
            var e = new StateStoreException(StateStoreErrorKind.Io, "/tmp/b.db", "The backup destination '/tmp/b.db' already exists.",
                next: new NextStep(NextStepKind.Overwrite));
            Assert.True(ErrorMapper.TryMap(e, null, out ErrorRecord? record));
            Assert.EndsWith("already exists. Use -Force to overwrite it.", record!.Exception.Message);

            var result = new AppResult { Operation = "apply", Namespace = "ns", App = "web", Message = "locked.", ErrorId = ErrorIds.LockHeld,
                Next = new NextStep(NextStepKind.WaitOrBreakLock) { LockId = "f00d" } };
            Assert.Contains("Unlock-SbkubeNamespace -LockId f00d -Force", ErrorMapper.ForResult(result).Exception.Message);
        }

        [Fact]
        public void No_engine_message_names_a_cmdlet_a_parameter_or_PowerShell_syntax()
        {
            string root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "SBKube.sln")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("SBKube.sln not found");
            }
            var pattern = new Regex(@"\b[A-Z][a-z]+-Sbkube[A-Za-z]+|(?<![\w-])-(App|Force|Path|Namespace|KubeContext|Revision|AllowFailed|LockTimeout|LockId|Port|Address|State\w+|OlderThan|Confirm|WhatIf)\b|\$env:");
            var found = Directory.GetFiles(Path.Combine(root, "src", "SBKube.Core"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
                .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
                .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                .Select(x => (x.f, x.i, text: Regex.Replace(x.line, @"//.*$", "")))
                .Where(x => Regex.Matches(x.text, "\"[^\"]*\"").Any(s => pattern.IsMatch(s.Value)))
                .Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.text.Trim()}")
                .ToList();
            Assert.True(found.Count == 0, "engine strings in the host's words:\n" + string.Join("\n", found));
        }
    }
}
