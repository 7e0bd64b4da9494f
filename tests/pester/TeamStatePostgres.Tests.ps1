# Team state on a real PostgreSQL server (the run's throwaway one): connecting and its failures,
# several hosts at once, leases across hosts, a server restart mid-run, and moving state between
# backends. Host names are real: each "host" runs in its own UTS namespace (unshare --uts).
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
    Import-Module "$PSScriptRoot/../../build/PostgresServer.psm1" -Force
    $script:Server = $env:SBKUBE_TEST_PG | ConvertFrom-Json
    $script:PwshDll = Join-Path $PSHOME 'pwsh.dll'

    <# Starts pwsh as if on another machine named $HostName; returns the process. #>
    function Start-OnHost([string] $HostName, [string] $Script, [string] $Output) {
        $file = Join-Path $s.Dir "run-$([guid]::NewGuid().ToString('N').Substring(0, 6)).ps1"
        Set-Content $file ("`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-TestModulePath)'`n" + $Script)
        $start = [System.Diagnostics.ProcessStartInfo]::new('unshare')
        foreach ($a in '--uts', 'sh', '-c', "hostname $HostName && exec dotnet '$PwshDll' -NoProfile -NonInteractive -File '$file' > '$Output' 2>&1") {
            $start.ArgumentList.Add($a)
        }
        [System.Diagnostics.Process]::Start($start)
    }

}

Describe 'Connecting to PostgreSQL' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'creates its schema, the seed''s three tables and its own on first write, in the schema the connection names' {
        { Get-SbkubeState } | Should -Throw -ErrorId 'StateStore.NotFound*'   # a read creates nothing
        Remove-SbkubeHistory -KeepLast 1 -Confirm:$false | Should -BeNullOrEmpty
        Get-SbkubeState | Should -BeNullOrEmpty
        Invoke-TestPsql $Server @('-c', "SELECT table_name FROM information_schema.tables WHERE table_schema = '$($s.Schema)' ORDER BY 1") |
            Should -Be @('deployment_history', 'deployments', 'locks', 'revision_counters', 'sbkube_schema_version', 'sbkube_settings')
    }

    It 'keeps two teams apart: another schema sees none of the revisions' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        @(Get-SbkubeState).Count | Should -Be 1
        $other = "$($env:SBKUBE_TEST_PG_URI)&schema=other_$($s.Schema)"
        Remove-SbkubeHistory -StateConnection $other -KeepLast 1 -Confirm:$false | Out-Null
        @(Get-SbkubeState -StateConnection $other).Count | Should -Be 0
    }

    It 'refuses -StatePath with -StateConnection' {
        { Get-SbkubeState -StatePath (Join-Path $s.Dir 'x.db') -StateConnection $env:SBKUBE_STATE_CONNECTION -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.InvalidConnection*'
    }

    It 'names host and port, not the password, when the server is down' {
        $port = $Server.Port + 1
        $err = { Get-SbkubeState -StateConnection "postgres://sbkube:Secr3tPw@127.0.0.1:$port/sbkube" -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.ServerUnreachable*' -PassThru
        $err.Exception.Message | Should -Match "127\.0\.0\.1:$port"
        ($err | Out-String) + $err.TargetObject | Should -Not -Match 'Secr3tPw'
    }

    It 'says AuthenticationFailed for a wrong password, without printing it' {
        $err = { Get-SbkubeState -StateConnection "postgres://sbkube:Wr0ngPw@127.0.0.1:$($Server.Port)/sbkube" -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.AuthenticationFailed*' -PassThru
        ($err | Out-String) | Should -Not -Match 'Wr0ngPw'
    }

    It 'says how to create a missing database' {
        $err = { Get-SbkubeState -StateConnection "postgres://sbkube@127.0.0.1:$($Server.Port)/nosuchdb" -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.DatabaseMissing*' -PassThru
        $err.Exception.Message | Should -Match 'createdb .*nosuchdb'
    }

    It 'says PermissionDenied for a role that may not create the schema' {
        $role = 'ro_' + $s.Schema
        Invoke-TestPsql $Server -Admin @('-c', "CREATE ROLE $role LOGIN PASSWORD 'ropw'; REVOKE CREATE ON DATABASE sbkube FROM PUBLIC;") | Out-Null
        $err = { Invoke-SbkubeApply -Path $s.Example -StateConnection "postgres://${role}:ropw@127.0.0.1:$($Server.Port)/sbkube?schema=$($s.Schema)" -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.PermissionDenied*' -PassThru
        $err.Exception.Message | Should -Match 'CREATE'
    }

    It 'reads the password from PGPASSWORD and the server from PGHOST/PGPORT when the string leaves them out' {
        $env:PGHOST = '127.0.0.1'; $env:PGPORT = "$($Server.Port)"; $env:PGUSER = 'sbkube'; $env:PGDATABASE = 'sbkube'
        try {
            Invoke-SbkubeApply -Path $s.Example -StateConnection "Schema=$($s.Schema)" | Out-Null
            @(Get-SbkubeState).Count | Should -Be 1
        }
        finally { Remove-Item Env:PGHOST, Env:PGPORT, Env:PGUSER, Env:PGDATABASE -ErrorAction Ignore }
    }

    It 'refuses Backup-SbkubeState with a pointer to pg_dump and Export-SbkubeState' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $err = { Backup-SbkubeState -Destination (Join-Path $s.Dir 'b.db') -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateStore.NotSupported*' -PassThru
        $err.Exception.Message | Should -Match 'pg_dump'
        $err.Exception.Message | Should -Match 'Export-SbkubeState'
    }
}

Describe 'Moving state between SQLite and PostgreSQL' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'exports from SQLite, imports into PostgreSQL and back, losslessly' {
        $db = Join-Path $s.Dir 'local.db'
        Invoke-SbkubeApply -Path $s.Example -StatePath $db | Out-Null
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
        Invoke-SbkubeApply -Path $s.Example -StatePath $db | Out-Null
        Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -StatePath $db -Confirm:$false | Out-Null
        $fromSqlite = Join-Path $s.Dir 'from-sqlite.json'
        Export-SbkubeState -Path $fromSqlite -StatePath $db

        (Import-SbkubeState -Path $fromSqlite).Imported | Should -Be 3
        $back = Join-Path $s.Dir 'from-postgres.json'
        Export-SbkubeState -Path $back
        $strip = { param($f) $j = Get-Content $f -Raw | ConvertFrom-Json; $j.PSObject.Properties.Remove('exported_at'); $j | ConvertTo-Json -Depth 30 }
        & $strip $back | Should -Be (& $strip $fromSqlite)
        (Import-SbkubeState -Path $back -StatePath (Join-Path $s.Dir 'again.db')).Imported | Should -Be 3
        (Import-SbkubeState -Path $fromSqlite).Skipped | Should -Be 3
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'rollback';" | Should -Be 1
    }
}

Describe 'Several hosts on one team database' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach {
        Get-Process -ErrorAction Ignore | Where-Object { $_.Id -in $script:started } | Stop-Process -Force -ErrorAction Ignore
        Remove-SbkubeSandbox $s
    }

    It '8 processes on two hosts deploying one app at once lose and duplicate no revision' {
        $script:started = @()
        $runs = foreach ($i in 1..8) {
            $copy = Join-Path $s.Dir "copy$i"
            Copy-Item $s.Example $copy -Recurse
            $hostName = if ($i % 2) { 'build-agent-a' } else { 'build-agent-b' }
            $script = "foreach (`$n in 1..3) { `$v = Join-Path '$copy' 'values/redis.yaml'; " +
                "(Get-Content `$v -Raw) -replace 'password: .*', ('password: p$i-' + `$n) | Set-Content `$v -NoNewline; " +
                "Invoke-SbkubeApply -Path '$copy' -LockTimeout 5m | Out-Null }; 'done'"
            $p = Start-OnHost $hostName $script (Join-Path $s.Dir "out$i.txt")
            $script:started += $p.Id
            $p
        }
        $runs | ForEach-Object { $_.WaitForExit(300000) | Should -BeTrue }
        foreach ($i in 1..8) { Get-Content (Join-Path $s.Dir "out$i.txt") | Should -Contain 'done' }
        (Invoke-StateSql "SELECT string_agg(revision::text, ',' ORDER BY revision) FROM deployments WHERE app = 'redis';") |
            Should -Be ((1..24) -join ',')
        Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status = 'deployed';" | Should -Be 1
        Invoke-StateSql 'SELECT DISTINCT split_part("user", ''@'', 2) FROM deployment_history ORDER BY 1;' |
            Should -Be @('build-agent-a', 'build-agent-b')
    }

    It 'a freeze from one host stops an apply from the other, naming its holder' {
        $script:started = @()
        $p = Start-OnHost 'ops-laptop' "Lock-SbkubeNamespace -Namespace state-demo -Reason 'maintenance' -Duration 1h | Out-Null; 'locked'" (Join-Path $s.Dir 'lock.txt')
        $script:started += $p.Id
        $p.WaitForExit(120000) | Should -BeTrue
        $out = Join-Path $s.Dir 'apply.txt'
        $q = Start-OnHost 'ci-runner' "try { Invoke-SbkubeApply -Path '$($s.Example)' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" $out
        $q.WaitForExit(120000) | Should -BeTrue
        $text = Get-Content $out -Raw
        $text | Should -Match 'LockHeld'
        $text | Should -Match '@ops-laptop'
        @(Get-SbkubeState).Count | Should -Be 0
    }

    It 'a holder killed with SIGKILL on one host is taken over from another only after its lease' {
        $script:started = @()
        Set-SlowDeploy $s 60
        # Long enough that a slow CI machine reaches the second apply well within it.
        $env:SBKUBE_LOCK_LEASE = '20s'
        try {
            $holder = Start-OnHost 'agent-one' "Invoke-SbkubeApply -Path '$($s.Example)'" (Join-Path $s.Dir 'holder.txt')
            $script:started += $holder.Id
            Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM locks WHERE app = 'redis';") -eq '1' }
            # The whole host goes: the pwsh and the helm it started.
            Stop-ProcessTree $holder.Id -WithChildren
            $killedAt = Get-Date
            Set-ClusterFault $s $null
            # Another host cannot see whether that process lives: the lease decides.
            $err = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop } | Should -Throw -ErrorId 'LockHeld*' -PassThru
            $err.Exception.Message | Should -Match '@agent-one'
            Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM locks WHERE app = 'redis' AND expires_at < now();") -eq '1' } -TimeoutSeconds 60
            ((Get-Date) - $killedAt).TotalSeconds | Should -BeGreaterThan 10
            # Helm's release is still pending from the dead run, so this apply may fail at Helm; it must not fail at the lock.
            $r = Invoke-SbkubeApply -Path $s.Example -LockTimeout 60s -ErrorVariable ev -ErrorAction SilentlyContinue
            $r | Should -Not -BeNullOrEmpty
            @($ev | Where-Object FullyQualifiedErrorId -like 'LockHeld*').Count | Should -Be 0
            Invoke-StateSql "SELECT description FROM deployment_history WHERE action = 'lock-takeover';" | Should -Match 'lease expired'
        }
        finally { Remove-Item Env:SBKUBE_LOCK_LEASE -ErrorAction Ignore }
    }

    It 'a server restart in the middle of an apply loses nothing' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
        Set-SlowDeploy $s 4
        $job = Start-ThreadJob { param($m, $p) Import-Module $m; Invoke-SbkubeApply -Path $p } -ArgumentList (Get-TestModulePath), $s.Example
        Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status = 'pending-upgrade';") -eq '1' }
        Restart-SbkubeTestPostgres $Server
        $r = $job | Wait-Job -Timeout 120 | Receive-Job
        $r.Status | Should -Be 'deployed'
        $r.Revision | Should -Be 2
        Invoke-StateSql "SELECT revision || ':' || status FROM deployments ORDER BY revision;" | Should -Be @('1:superseded', '2:deployed')
    }

    It 'an outage after Helm acted says what Helm did and how it is settled, never that nothing changed; Repair records it once the server is back' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
        Set-SlowDeploy $s 4
        $p = Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)'"
        Wait-Until { (Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status = 'pending-upgrade';") -eq '1' } -Process $p
        Suspend-SbkubeTestPostgres $Server
        try {
            $p.WaitForExit(150000) | Should -BeTrue
            $text = $p.StandardOutput.ReadToEnd() + $p.StandardError.ReadToEnd()
        }
        finally { Resume-SbkubeTestPostgres $Server }
        $text | Should -Match 'Helm made revision 2 \(deployed\), but the state store could not record it'
        $text | Should -Match 'Repair-SbkubeState -Namespace state-demo -App redis'
        $text | Should -Not -Match 'nothing was changed'
        $text | Should -Match 'could not be released .* it lapses when its lease ends' -Because 'the lock that could not be released is a warning, not the error'
        Invoke-StateSql "SELECT status FROM deployments WHERE revision = 2;" | Should -Be 'pending-upgrade'

        Repair-SbkubeState -Namespace state-demo -App redis | Out-Null
        Invoke-StateSql "SELECT revision || ':' || status FROM deployments ORDER BY revision;" | Should -Be @('1:superseded', '2:deployed')
    }
}
