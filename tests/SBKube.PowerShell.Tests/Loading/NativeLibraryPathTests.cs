using System;
using System.IO;
using System.Runtime.InteropServices;
using SBKube.PowerShell.Loading;
using Xunit;

namespace SBKube.PowerShell.Tests.Loading
{
    /// <summary>The e_sqlite3 resolver: which RID folder and file each platform PowerShell runs on gets.</summary>
    public sealed class NativeLibraryPathTests : IDisposable
    {
        private readonly string _deps = Path.Combine(Path.GetTempPath(), "sbkube-natives-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_deps))
            {
                Directory.Delete(_deps, recursive: true);
            }
        }

        [Theory]
        [InlineData("win", Architecture.X64, false, "win-x64", "e_sqlite3.dll")]
        [InlineData("win", Architecture.X86, false, "win-x86", "e_sqlite3.dll")]
        [InlineData("win", Architecture.Arm64, false, "win-arm64", "e_sqlite3.dll")]
        [InlineData("linux", Architecture.X64, false, "linux-x64", "libe_sqlite3.so")]
        [InlineData("linux", Architecture.Arm64, false, "linux-arm64", "libe_sqlite3.so")]
        [InlineData("linux", Architecture.Arm, false, "linux-arm", "libe_sqlite3.so")]
        [InlineData("linux", Architecture.X64, true, "linux-musl-x64", "libe_sqlite3.so")]
        [InlineData("linux", Architecture.Arm64, true, "linux-musl-arm64", "libe_sqlite3.so")]
        [InlineData("osx", Architecture.X64, false, "osx-x64", "libe_sqlite3.dylib")]
        [InlineData("osx", Architecture.Arm64, false, "osx-arm64", "libe_sqlite3.dylib")]
        public void Each_platform_resolves_its_own_folder_and_file(string os, Architecture arch, bool musl, string rid, string file)
        {
            Assert.Equal(rid, NativeLibraryPath.Rid(os, arch, musl));
            foreach (string shipped in NativeLibraryPath.ShippedRids)
            {
                string folder = Path.Combine(_deps, "runtimes", shipped, "native");
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, NativeLibraryPath.FileName(shipped, "e_sqlite3")), shipped);
            }
            // SQLitePCLRaw asks for "e_sqlite3" or "libe_sqlite3"; both find the same file.
            foreach (string asked in new[] { "e_sqlite3", "libe_sqlite3.so", "e_sqlite3.dll" })
            {
                string? path = NativeLibraryPath.Find(_deps, asked, rid);
                Assert.NotNull(path);
                Assert.Equal(file, Path.GetFileName(path));
                Assert.Equal(rid, File.ReadAllText(path!));
            }
        }

        [Theory]
        [InlineData("linux", Architecture.X86, false)]
        [InlineData("linux", Architecture.Arm, true)]
        [InlineData("osx", Architecture.X86, false)]
        [InlineData("linux", Architecture.S390x, false)]
        public void Platforms_without_a_shipped_library_resolve_to_nothing(string os, Architecture arch, bool musl)
        {
            Assert.Null(NativeLibraryPath.Rid(os, arch, musl));
        }

        [Fact]
        public void A_missing_file_is_not_found_rather_than_guessed()
        {
            Assert.Null(NativeLibraryPath.Find(_deps, "e_sqlite3", "linux-x64"));
        }

        [Theory]
        [InlineData("7f0000-7f1000 r-xp 00000000 08:01 123 /lib/ld-musl-x86_64.so.1", true)]
        [InlineData("7f0000-7f1000 r-xp 00000000 08:01 123 /usr/lib/libc.musl-aarch64.so.1", true)]
        [InlineData("7f0000-7f1000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libc.so.6", false)]
        public void Musl_is_told_by_the_mapped_c_library(string maps, bool musl)
        {
            Assert.Equal(musl, NativeLibraryPath.MapsShowMusl(maps));
        }

        [Fact]
        public void This_debian_process_is_glibc()
        {
            Assert.Equal("linux-x64", NativeLibraryPath.CurrentRid());
        }
    }
}
