# The SQLite file shared with the rest of a host: another program reading it, a read-only file system.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
}

# Issue 26 #4: an open read transaction in another program must not fail an apply once Helm has changed something.
Describe 'A reader never fails a writer' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $info = [Diagnostics.ProcessStartInfo]::new('sqlite3')
        $info.ArgumentList.Add($env:SBKUBE_STATE_DB)
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $reader = [Diagnostics.Process]::Start($info)
    }
    AfterEach {
        if (-not $reader.HasExited) { $reader.Kill() }
        $reader.Dispose()
        Remove-SbkubeSandbox $s
    }

    It 'an apply beside sqlite3 holding a read transaction open finishes within the busy timeout and is recorded deployed' {
        $reader.StandardInput.WriteLine('BEGIN; SELECT COUNT(*) FROM deployments;')
        $reader.StandardInput.Flush()
        [int]$reader.StandardOutput.ReadLine() | Should -BeGreaterThan 0 -Because 'the read transaction is open'
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v9`n"

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = @(Invoke-SbkubeApply -Path $s.Example)
        $clock.Stop()

        ($r | Where-Object App -EQ 'redis').Outcome | Should -Be 'Upgraded'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'writes wait at most the 30 s busy timeout, and a reader makes none wait'
        Get-PendingCount | Should -Be 0
        Invoke-StateSql "SELECT status FROM deployments WHERE app = 'redis' ORDER BY revision DESC LIMIT 1;" | Should -Be 'deployed'
        $reader.HasExited | Should -BeFalse -Because 'the reader kept its transaction throughout'
    }
}

# Issue 26 #9: a store on a read-only file system (a mounted backup, a read-only volume) is read; a change says why it cannot be made.
Describe 'A store on a read-only file system' {
    BeforeEach {
        $s = New-SbkubeSandbox
        $mount = Join-Path $s.Dir 'ro'
        New-Item -ItemType Directory $mount | Out-Null
        # A real read-only mount: root passes every permission check, so a chmod would prove nothing.
        & mount -t tmpfs -o size=8m tmpfs $mount 2>$null
        $mounted = $LASTEXITCODE -eq 0
        $env:SBKUBE_STATE_DB = Join-Path $mount 'state.db'
    }
    AfterEach {
        if ($mounted) { & umount $mount }
        Remove-SbkubeSandbox $s
    }

    It 'reads work, and an apply fails as ReadOnly naming the file system, before Helm is asked to change anything' {
        $mounted | Should -BeTrue -Because 'the Test task runs as root, which may mount a tmpfs'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        & mount -o remount,ro $mount
        $LASTEXITCODE | Should -Be 0

        (Get-SbkubeState).Status | Should -Be 'deployed'
        (Get-SbkubeHistory -Namespace state-demo -App redis).Revision | Should -Be 1
        @(Get-SbkubeLock) | Should -BeNullOrEmpty
        Export-SbkubeMetrics | Should -Match 'sbkube_deployments_total\{namespace="state-demo",app="redis"\} 1'

        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v9`n"
        $upgrades = @(Get-HelmCall upgrade).Count
        $e = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'StateStore.ReadOnly*'
        "$e" | Should -Match 'read-only file system\): it can be read, not changed'
        @(Get-HelmCall upgrade).Count | Should -Be $upgrades -Because 'nothing is changed that cannot be recorded'
    }
}
