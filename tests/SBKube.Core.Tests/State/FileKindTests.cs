using System;
using System.IO;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>What SBKube may replace when it writes an export, backup or metrics file.</summary>
    public sealed class FileKindTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "sbkube-filekind-" + Guid.NewGuid().ToString("N"));

        public FileKindTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        [UnixFact]
        public void Tells_regular_files_from_devices_folders_links_and_nothing()
        {
            string file = Path.Combine(_dir, "a.json");
            File.WriteAllText(file, "{}");
            string link = Path.Combine(_dir, "link.json");
            File.CreateSymbolicLink(link, file);

            Assert.Equal(FileKindValue.Regular, FileKind.Of(file));
            Assert.Equal(FileKindValue.Directory, FileKind.Of(_dir));
            Assert.Equal(FileKindValue.SymbolicLink, FileKind.Of(link));
            Assert.Equal(FileKindValue.Missing, FileKind.Of(Path.Combine(_dir, "none")));
            Assert.Equal(FileKindValue.Missing, FileKind.Of(Path.Combine(file, "below-a-file")));
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(FileKindValue.Special, FileKind.Of("/dev/null"));
            }
        }

        [UnixFact]
        public void EnsureReplaceable_names_the_path_and_why()
        {
            var e = Assert.Throws<StateStoreException>(() => FileKind.EnsureReplaceable(_dir, "export"));
            Assert.Equal(StateStoreErrorKind.NotAFile, e.Kind);
            Assert.Contains(_dir, e.Message, StringComparison.Ordinal);
            Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
            FileKind.EnsureReplaceable(Path.Combine(_dir, "new.json"), "export");
        }
    }
}
