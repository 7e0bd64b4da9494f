using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    public sealed class ConfigCmdletTests : IDisposable
    {
        private readonly PsHost _ps = new PsHost();

        public void Dispose() => _ps.Dispose();

        private string Project(string config)
        {
            string dir = Path.Combine(_ps.Dir, "project-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "config.yaml"), config);
            return dir;
        }

        [Fact]
        public void Quiet_answers_true_for_a_sound_config_and_false_for_one_with_problems()
        {
            string good = Project("namespace: demo\napps:\n  web:\n    type: yaml\n    manifests: []\n");
            string bad = Project("namespace: Not_A_Name\napps: {}\n");

            Assert.Equal(true, Assert.Single(_ps.Run($"Test-SbkubeConfig -Path '{good}' -Quiet").Output).BaseObject);
            Assert.Equal(false, Assert.Single(_ps.Run($"Test-SbkubeConfig -Path '{bad}' -Quiet").Output).BaseObject);
            Assert.NotEmpty(_ps.Run($"Test-SbkubeConfig -Path '{bad}'").Output);
        }

        [Fact]
        public void Quiet_on_a_path_without_a_config_is_a_not_found_error_not_false()
        {
            string missing = Path.Combine(_ps.Dir, "nowhere");
            PsResult r = _ps.Run($"Test-SbkubeConfig -Path '{missing}' -Quiet");
            Assert.Empty(r.Output);
            ErrorRecord e = Assert.Single(r.Errors);
            Assert.StartsWith("ConfigNotFound", e.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        }
    }
}
