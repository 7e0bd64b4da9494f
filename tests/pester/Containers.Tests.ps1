# Issue 26 #5: runs in containers of one host name. Each "container" is pwsh in PID, mount (/proc) and UTS
# namespaces of its own (unshare, as root), sharing the state (a file on a shared volume, or the team's
# PostgreSQL server) as real containers do. Runs on both backends.
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
    $script:PwshDll = Join-Path $PSHOME 'pwsh.dll'

    <#
        Starts pwsh in a new container named $HostName; returns the unshare process. -Pid1: pwsh is the
        container's PID 1, as in many CI images; otherwise it starts after 300 other processes, so its PID is
        one the other container does not have.
    #>
    function Start-InContainer([string] $HostName, [string] $Script, [string] $Output, [switch] $Pid1) {
        $file = Join-Path $s.Dir "run-$([guid]::NewGuid().ToString('N').Substring(0, 6)).ps1"
        Set-Content $file ("`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-TestModulePath)'`n" + $Script)
        $before = if ($Pid1) { '' } else { 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; ' }
        $start = [System.Diagnostics.ProcessStartInfo]::new('unshare')
        foreach ($a in '--pid', '--fork', '--mount-proc', '--uts', 'sh', '-c',
            "hostname $HostName && $before exec dotnet '$PwshDll' -NoProfile -NonInteractive -File '$file' > '$Output' 2>&1") {
            $start.ArgumentList.Add($a)
        }
        [System.Diagnostics.Process]::Start($start)
    }

    <# Ends a container the way a runtime does: SIGKILL to its PID 1 ends every process in it. #>
    function Stop-Container([System.Diagnostics.Process] $Container) {
        foreach ($child in @(& pgrep -P $Container.Id)) { & kill -9 $child }
        $Container.WaitForExit(30000) | Out-Null
    }
}

Describe 'Runs in containers that share a host name' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v9`n"
        $containers = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
    }
    AfterEach {
        foreach ($c in $containers) { if (-not $c.HasExited) { Stop-Container $c } }
        Set-ClusterFault $s $null
        Remove-Item Env:SBKUBE_LOCK_LEASE -ErrorAction Ignore
        Remove-SbkubeSandbox $s
    }

    It 'a live run in one container keeps its lock against a run in another of the same name' {
        Set-SlowDeploy $s 60
        $holder = Start-InContainer 'ci' "Invoke-SbkubeApply -Path '$($s.Example)'" (Join-Path $s.Dir 'holder.txt')
        $containers.Add($holder)
        Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM locks WHERE app = 'redis';") -eq '1' }
        $out = Join-Path $s.Dir 'other.txt'
        $other = Start-InContainer 'ci' "try { Invoke-SbkubeApply -Path '$($s.Example)' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" $out
        $containers.Add($other)
        $other.WaitForExit(120000) | Should -BeTrue
        $text = Get-Content $out -Raw
        $text | Should -Match 'LockHeld'
        $text | Should -Not -Match 'is gone from'
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'lock-takeover';" | Should -Be '0'
    }

    It 'a row left by a killed PID 1 is not "still working" in the next container of that name: it is settled once its lease ends' {
        $env:SBKUBE_LOCK_LEASE = '4s'
        Set-SlowDeploy $s 60
        $first = Start-InContainer 'ci' "Invoke-SbkubeApply -Path '$($s.Example)'" (Join-Path $s.Dir 'first.txt') -Pid1
        $containers.Add($first)
        Wait-Until { (Get-PendingCount) -eq 1 }
        Invoke-StateSql "SELECT owner_pid FROM deployments WHERE status LIKE 'pending-%';" | Should -Be '1'
        Stop-Container $first
        Set-ClusterFault $s $null
        Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM locks WHERE expires_at < CURRENT_TIMESTAMP;") -eq '1' } -TimeoutSeconds 30

        $out = Join-Path $s.Dir 'next.txt'
        $next = Start-InContainer 'ci' "Repair-SbkubeState -Namespace state-demo -App redis -WarningAction Continue | Format-List Revision, Status; 'repaired'" $out -Pid1
        $containers.Add($next)
        $next.WaitForExit(120000) | Should -BeTrue
        $text = Get-Content $out -Raw
        $text | Should -Match 'repaired'
        $text | Should -Not -Match 'still working'
        Get-PendingCount | Should -Be 0
    }
}
