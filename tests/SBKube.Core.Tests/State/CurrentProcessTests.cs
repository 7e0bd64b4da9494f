using System;
using System.Diagnostics;
using System.IO;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>Telling, after a run died, whether a helm it started still works.</summary>
    public sealed class CurrentProcessTests
    {
        private static Process StartSleep(string name, string value)
        {
            var psi = new ProcessStartInfo("sleep", "30") { UseShellExecute = false };
            psi.Environment[name] = value;
            return Process.Start(psi)!;
        }

        [UnixFact]
        public void LiveChildOf_finds_a_process_carrying_the_owner_variable_and_forgets_it_once_it_ends()
        {
            if (!Directory.Exists("/proc/self"))
            {
                return; // macOS: no /proc; LiveChildOf is documented to say null there.
            }
            using Process child = StartSleep(CurrentProcess.OwnerVariable, "999991");
            try
            {
                Assert.Equal(child.Id, CurrentProcess.LiveChildOf(999991));
                Assert.Null(CurrentProcess.LiveChildOf(99999));   // a prefix of the value is another run
                Assert.Null(CurrentProcess.LiveChildOf(9999910)); // so is a longer one
            }
            finally
            {
                child.Kill();
                child.WaitForExit();
            }
            Assert.Null(CurrentProcess.LiveChildOf(999991));
        }

        [UnixFact]
        public void LiveChildOf_ignores_a_variable_whose_name_only_ends_like_the_owner_variable()
        {
            if (!Directory.Exists("/proc/self"))
            {
                return;
            }
            using Process child = StartSleep("X" + CurrentProcess.OwnerVariable, "999992");
            try
            {
                Assert.Null(CurrentProcess.LiveChildOf(999992));
            }
            finally
            {
                child.Kill();
                child.WaitForExit();
            }
        }
    }
}
