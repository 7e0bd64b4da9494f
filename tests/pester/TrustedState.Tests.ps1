# Issue 11: reads never change the state, scoped repair, no secret on disk. Runs on both backends.
# Also runs on: postgres, helm3
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function Get-HelmRevisionCount { @(& $env:SBKUBE_HELM history redis -n state-demo -o json | ConvertFrom-Json).Count }
    function Get-HelmStatus { (& $env:SBKUBE_HELM status redis -n state-demo -o json 2>$null | ConvertFrom-Json).info.status }

    # A pending revision 2 of state-demo/redis written by a run that is gone, as a crash leaves it.
    function Add-PendingRow([string] $Context = 'standin', [int] $OwnerPid = 2147483000, [string] $OwnerHost = [Environment]::MachineName) {
        Invoke-StateSql ("INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, " +
            "status, deployed_at, description, config, config_hash, owner_pid, owner_host) SELECT '$Context', namespace, app, 2, release_name, " +
            "app_type, chart, chart_ref, chart_version, 'pending-upgrade', deployed_at, 'Upgrade', config, config_hash, $OwnerPid, '$OwnerHost' " +
            "FROM deployments WHERE revision = 1;") | Out-Null
    }

    # Every read cmdlet, once; none may write to the store or ask Helm anything.
    function Invoke-EveryRead {
        Get-SbkubeState -WarningAction SilentlyContinue | Out-Null
        Get-SbkubeState -Latest -Format Json -WarningAction SilentlyContinue | Out-Null
        Get-SbkubeHistory -Namespace state-demo -App redis | Out-Null
        Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 1 | Out-Null
        Compare-SbkubeRevision -Namespace state-demo -App redis -ReferenceRevision 1 -DifferenceRevision 2 -ErrorAction SilentlyContinue | Out-Null
        Get-SbkubeLock | Out-Null
        Test-SbkubeConfig -Path $s.Example | Out-Null
    }
}

Describe 'Reads never change the state' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v9`n"
        Set-SlowDeploy $s 6
        $script = "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)'"
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a run killed while Helm goes on: reads show it pending and change nothing; Repair-SbkubeState waits for helm, then records it deployed' {
        $p = Start-BackgroundPwsh $script
        Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
        Wait-Until { (Get-HelmRevisionCount) -eq 2 }   # helm itself is under way
        Stop-ProcessTree $p.Id
        $before = Get-StateDbHash
        $calls = @(Get-HelmCall).Count
        $warnings = $null
        $rows = @(Get-SbkubeState -WarningVariable warnings -WarningAction SilentlyContinue)
        $rows[1].Status | Should -Be 'pending-upgrade'
        ($warnings -join "`n") | Should -Match 'Repair-SbkubeState -Namespace state-demo -App redis'
        Invoke-EveryRead
        Get-StateDbHash | Should -Be $before
        @(Get-HelmCall).Count | Should -Be $calls -Because 'no read asks Helm'

        # helm, started by the killed run, is still working: the row must stay pending.
        $early = $null
        @(Repair-SbkubeState -WarningVariable early -WarningAction SilentlyContinue) | Should -BeNullOrEmpty
        ($early -join "`n") | Should -Match 'helm or kubectl started by its run'
        Get-PendingCount | Should -Be 1

        Wait-Until { (Get-HelmStatus) -eq 'deployed' }
        $settled = @(Repair-SbkubeState)
        $settled.Count | Should -Be 1
        $settled[0].Status | Should -Be 'deployed'
        $settled[0].HelmRevision | Should -Be 2
        $settled[0].Description | Should -Match 'recovered'
        Get-PendingCount | Should -Be 0
    }

    It 'a run killed together with Helm: -WhatIf changes nothing; the next apply fails naming Repair-SbkubeState, which recovers the release as a revision of its own' {
        $p = Start-BackgroundPwsh $script
        Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
        Wait-Until { (Get-HelmRevisionCount) -eq 2 }
        Stop-ProcessTree $p.Id -WithChildren
        Get-HelmStatus | Should -Be 'pending-upgrade'
        $before = Get-StateDbHash
        Repair-SbkubeState -WhatIf | Should -BeNullOrEmpty
        Get-StateDbHash | Should -Be $before
        Get-HelmStatus | Should -Be 'pending-upgrade'
        # Helm refuses the next apply until the release is recovered; the error names what recovers it.
        Set-ClusterFault $s $null
        Invoke-SbkubeApply -Path $s.Example -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Helm.PendingOperation*'
        "$($e[0])" | Should -Match 'Repair-SbkubeState -Namespace state-demo -App redis recovers it'
        Invoke-StateSql "SELECT status FROM deployments WHERE revision = 2;" | Should -Be 'failed' -Because 'the apply settled the interrupted row first'

        $recovered = @(Repair-SbkubeState -Namespace state-demo -Confirm:$false -WarningAction SilentlyContinue)
        $recovered[-1].Status | Should -Be 'deployed'
        $recovered[-1].Description | Should -Be 'Recovered from pending-upgrade (Helm revision 2): roll back to Helm revision 1'
        Get-HelmStatus | Should -Be 'deployed'
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'recover';" | Should -Be '1'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Upgraded'
        @(Repair-SbkubeState -Namespace state-demo) | Should -BeNullOrEmpty -Because 'nothing is stuck any more'
    }
}

Describe 'A read of a store that does not exist says so' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a mistyped store is StateStore.NotFound, and no file, folder or schema appears' {
        if (Test-PostgresBackend) {
            $typo = 'typo_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            $conn = $env:SBKUBE_STATE_CONNECTION -replace 'schema=\w+', "schema=$typo"
            { Get-SbkubeState -StateConnection $conn } | Should -Throw -ErrorId 'StateStore.NotFound*'
            { Get-SbkubeLock -StateConnection $conn } | Should -Throw -ErrorId 'StateStore.NotFound*'
            Invoke-StateSql "SELECT COUNT(*) FROM pg_namespace WHERE nspname = '$typo';" | Should -Be '0'
        }
        else {
            $typo = Join-Path $s.Dir 'stat/state.db'
            { Get-SbkubeState -StatePath $typo } | Should -Throw -ErrorId 'StateStore.NotFound*'
            { Get-SbkubeLock -StatePath $typo } | Should -Throw -ErrorId 'StateStore.NotFound*'
            Join-Path $s.Dir 'stat' | Should -Not -Exist
        }
    }
}

Describe 'Settling is scoped and waits for live runs' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Add-KubeContext $s prod, dev
        Invoke-SbkubeApply -Path $s.Example | Out-Null
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a pending row of kube context prod is not touched from context dev, by a read or by Repair-SbkubeState' {
        Add-PendingRow -Context prod
        $before = Get-StateDbHash
        Get-SbkubeState -KubeContext dev -WarningAction SilentlyContinue | Out-Null
        @(Repair-SbkubeState -KubeContext dev) | Should -BeNullOrEmpty
        Get-StateDbHash | Should -Be $before
        $settled = @(Repair-SbkubeState -KubeContext prod)
        $settled.Count | Should -Be 1
        $settled[0].Context | Should -Be 'prod'
        $settled[0].Status | Should -Not -BeLike 'pending-*'
    }

    It 'a row whose run on another host holds a live lease is left pending until the lease lapses' {
        Add-PendingRow -OwnerPid 4242 -OwnerHost 'ci-agent-7'
        Add-RemoteLock lk-remote ci-agent-7
        $warnings = $null
        @(Repair-SbkubeState -WarningVariable warnings -WarningAction SilentlyContinue) | Should -BeNullOrEmpty
        ($warnings -join "`n") | Should -Match 'lk-remote'
        Get-PendingCount | Should -Be 1

        $lapsed = if (Test-PostgresBackend) { "now() - interval '1 minute'" } else { "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute')" }
        Invoke-StateSql "UPDATE locks SET expires_at = $lapsed WHERE lock_id = 'lk-remote';" | Out-Null
        (Get-SbkubeLock | Where-Object LockId -eq 'lk-remote').IsStale | Should -BeTrue
        @(Repair-SbkubeState).Count | Should -Be 1
        Get-PendingCount | Should -Be 0
    }

    It 'the next apply of the app settles its own pending row and says so' {
        Add-PendingRow
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v2`n"
        $warnings = $null
        $r = Invoke-SbkubeApply -Path $s.Example -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join "`n") | Should -Match 'revision 2 had been interrupted; now failed'
        $r.Revision | Should -Be 3
        Get-PendingCount | Should -Be 0
    }

    It 'Get-SbkubeLock tells a stale lock from a live freeze' {
        $acquired = if (Test-PostgresBackend) { 'now()' } else { "strftime('%Y-%m-%d %H:%M:%f', 'now')" }
        Invoke-StateSql ("INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, acquired_at) " +
            "VALUES ('lk-dead', '', 'web', '*', 'me@here', 2147483000, '$([Environment]::MachineName)', 'apply', $acquired);") | Out-Null
        Lock-SbkubeNamespace -Namespace state-demo -Reason 'release freeze' | Out-Null
        $locks = Get-SbkubeLock
        ($locks | Where-Object LockId -eq 'lk-dead').IsStale | Should -BeTrue
        ($locks | Where-Object Namespace -eq 'state-demo').IsStale | Should -BeFalse
        (Get-SbkubeLock | Out-String -Width 250) | Should -Match 'stale'
    }
}

Describe 'No secret on disk' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'values reach helm on stdin (--values -), and release and chart come after --' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $upgrade = @(Get-HelmCall -Command upgrade)[0]
        $upgrade.argv[[array]::IndexOf([string[]] $upgrade.argv, '--values') + 1] | Should -Be '-'
        $upgrade.Positional | Should -Be @('redis', 'bitnami/redis')
        $upgrade.argv | Where-Object { $_ -ne '-' -and (Test-Path -LiteralPath $_) } | Should -BeNullOrEmpty
        (& $env:SBKUBE_HELM get values redis -n state-demo -o json | ConvertFrom-Json).auth.password | Should -Be 'state-demo-v1'
    }

    It 'an apply killed mid-upgrade leaves no file holding the values in the temp folder' {
        $tmp = Join-Path $s.Dir 'tmp'
        New-Item -ItemType Directory $tmp | Out-Null
        Set-SlowDeploy $s 6
        $p = Start-BackgroundPwsh "`$env:TMPDIR = '$tmp'; Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)'"
        Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
        Wait-Until { (Get-HelmRevisionCount) -eq 1 -and (Get-HelmStatus) -eq 'pending-install' } -Process $p
        Stop-ProcessTree $p.Id -WithChildren
        $files = @(& find $tmp -type f)
        $files | Where-Object { (Get-Content -LiteralPath $_ -Raw -ErrorAction Ignore) -match 'state-demo-v1' } | Should -BeNullOrEmpty
    }
}

Describe 'Files it writes are only ever regular files' -Skip:($IsWindows -or (& id -u) -ne '0') {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        # Device nodes of our own: the test must not risk the machine's /dev/null if the check fails.
        $null_ = Join-Path $s.Dir 'null'; & mknod $null_ c 1 3
        $full = Join-Path $s.Dir 'full'; & mknod $full c 1 7
        $fifo = Join-Path $s.Dir 'fifo'; & mkfifo $fifo
        $folder = Join-Path $s.Dir 'folder'; New-Item -ItemType Directory $folder | Out-Null
        $target = Join-Path $s.Dir 'target.json'; Set-Content $target 'keep me'
        $link = Join-Path $s.Dir 'link.json'; New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        function Get-Kind([string] $Path) { (& stat -c %F $Path) }
        function Assert-RefusedAtOnce([string] $Command, [string] $path, [string] $Name) {
            $before = Get-StateDbHash
            $sw = [Diagnostics.Stopwatch]::StartNew()
            # In a background pwsh: a read that hangs on the FIFO must not hang the suite.
            $p = Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; try { $Command '$path' -Confirm:`$false -ErrorAction Stop | Out-Null; 'NO ERROR' } catch { `$_.FullyQualifiedErrorId }"
            $p.WaitForExit(30000) | Should -BeTrue -Because "$Command from $Name must not wait for data"
            $out = $p.StandardOutput.ReadToEnd()
            $out | Should -Match 'StateStore.NotAFile'
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 30
            Get-StateDbHash | Should -Be $before
            @(Get-ChildItem (Split-Path $env:SBKUBE_STATE_DB) -Force -Filter '*.tmp' -ErrorAction Ignore).Count | Should -Be 0
        }
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It '<Command> onto <Name> is refused with StateStore.NotAFile and leaves it as it was' -ForEach @(
        @{ Command = 'Export-SbkubeState'; Name = 'a character device'; Var = 'full' }
        @{ Command = 'Export-SbkubeState'; Name = 'a FIFO'; Var = 'fifo' }
        @{ Command = 'Export-SbkubeState'; Name = 'a directory'; Var = 'folder' }
        @{ Command = 'Export-SbkubeState'; Name = 'a symbolic link'; Var = 'link' }
        @{ Command = 'Export-SbkubeMetrics'; Name = 'a character device'; Var = 'null_' }
        @{ Command = 'Export-SbkubeMetrics'; Name = 'a FIFO'; Var = 'fifo' }
    ) {
        $path = Get-Variable -Name $Var -ValueOnly
        $kind = Get-Kind $path
        $e = try {
            switch ($Command) {
                'Export-SbkubeState' { Export-SbkubeState -Path $path -Force }
                'Export-SbkubeMetrics' { Export-SbkubeMetrics -Path $path }
            }
        }
        catch { $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateStore.NotAFile*'
        $e.Exception.Message | Should -BeLike "*$path*"
        Get-Kind $path | Should -Be $kind
        Get-Content $target -Raw | Should -Be "keep me`n"
    }

    It 'Backup-SbkubeState onto <Name> is refused with StateStore.NotAFile and leaves it as it was' -Tag SqliteOnly -ForEach @(
        @{ Name = 'a character device'; Var = 'null_' }
        @{ Name = 'a symbolic link'; Var = 'link' }
    ) {
        $path = Get-Variable -Name $Var -ValueOnly
        $kind = Get-Kind $path
        { Backup-SbkubeState -Destination $path -Force -Confirm:$false } | Should -Throw -ErrorId 'StateStore.NotAFile*'
        Get-Kind $path | Should -Be $kind
        Get-Content $target -Raw | Should -Be "keep me`n"
    }

    # Restore replaces an SQLite file, so it runs on SQLite only; Import reads on both backends.
    It 'Restore-SbkubeState from <Name> is refused at once with StateStore.NotAFile, writes no temp file and changes nothing' -Tag SqliteOnly -ForEach @(
        @{ Command = 'Restore-SbkubeState'; Name = 'a FIFO'; Var = 'fifo' }
        @{ Command = 'Restore-SbkubeState'; Name = 'an endless device'; Var = 'full' }
        @{ Command = 'Restore-SbkubeState'; Name = 'a directory'; Var = 'folder' }
    ) { Assert-RefusedAtOnce $Command (Get-Variable -Name $Var -ValueOnly) $Name }

    It 'Import-SbkubeState from <Name> is refused at once with StateStore.NotAFile and changes nothing' -ForEach @(
        @{ Command = 'Import-SbkubeState'; Name = 'a FIFO'; Var = 'fifo' }
        @{ Command = 'Import-SbkubeState'; Name = 'an endless device'; Var = 'full' }
    ) { Assert-RefusedAtOnce $Command (Get-Variable -Name $Var -ValueOnly) $Name }

    It 'Export-SbkubeState replaces an existing file only with -Force' {
        $file = Join-Path $s.Dir 'export.json'
        Set-Content $file 'old'
        { Export-SbkubeState -Path $file } | Should -Throw '*already exists. Use -Force to overwrite it.'
        Get-Content $file -Raw | Should -Be "old`n"
        Export-SbkubeState -Path $file -Force
        (Get-Content $file -Raw | ConvertFrom-Json).format | Should -Be 'sbkube-state'
    }
}

Describe 'The state file is private whenever SBKube writes to it' -Tag SqliteOnly -Skip:$IsWindows {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a looser existing file is tightened to 0600 on the next write' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        & chmod 644 $s.StateDb
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        & stat -c %a $s.StateDb | Should -Be '600'
    }

    It 'a file created through a symbolic link is 0600' {
        $target = Join-Path $s.Dir 'real/state.db'
        New-Item -ItemType Directory (Split-Path $target) | Out-Null
        $link = Join-Path $s.Dir 'link.db'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        (Invoke-SbkubeApply -Path $s.Example -StatePath $link).Outcome | Should -Be 'Installed'
        & stat -c %a $target | Should -Be '600'
        (Get-SbkubeState -StatePath $link).Revision | Should -Be 1
    }
}

Describe 'A signal stops an apply between apps' -Skip:$IsWindows {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $dir = Join-Path $s.Dir 'chain'
        New-Item -ItemType Directory $dir | Out-Null
        "helm_repos:`n  bitnami: $(Get-TestBitnamiUrl)`n" | Set-Content (Join-Path $dir 'sources.yaml')
        ("namespace: sig`napps:`n  first: { chart: bitnami/nginx, version: 15.0.0 }`n" +
            "  second: { chart: bitnami/nginx, version: 15.0.0, depends_on: [first] }`n" +
            "  third: { chart: bitnami/nginx, version: 15.0.0, depends_on: [second] }`n") | Set-Content (Join-Path $dir 'config.yaml')
        Set-SlowDeploy $s 3
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'SIG<Signal> mid-upgrade: that app finishes and is recorded, no other starts, the script stops (exit <Code>)' -ForEach @(
        @{ Signal = 'INT'; Code = 1 }
        @{ Signal = 'TERM'; Code = 143 }
    ) {
        $p = Start-BackgroundPwsh -DefaultSignals "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$dir' | Out-Null; 'NEXT STATEMENT RAN'"
        Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
        & kill "-$Signal" $p.Id
        $p.WaitForExit(60000) | Should -BeTrue
        $p.ExitCode | Should -Be $Code
        $p.StandardOutput.ReadToEnd() | Should -Not -Match 'NEXT STATEMENT RAN'
        $rows = @(Get-SbkubeState)
        $rows.App | Should -Be @('first')
        $rows[0].Status | Should -Be 'deployed'
        (& $env:SBKUBE_HELM status first -n sig -o json | ConvertFrom-Json).info.status | Should -Be 'deployed'
        & $env:SBKUBE_HELM status second -n sig 2>$null | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'SIGTERM to a host that runs SBKube in a runspace of its own: the work is recorded, the host is not ended' {
        $p = Start-BackgroundPwsh -DefaultSignals @"
`$ps = [powershell]::Create()
`$null = `$ps.AddScript("Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$dir'")
try { `$null = `$ps.Invoke() } catch { 'THREW: ' + `$_.Exception.InnerException.GetType().Name }
'STATE: ' + `$ps.InvocationStateInfo.State
'WARNING: ' + (`$ps.Streams.Warning -join ' ')
'HOST STILL RUNNING'
"@
        Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
        & kill -TERM $p.Id
        $p.WaitForExit(60000) | Should -BeTrue
        $out = $p.StandardOutput.ReadToEnd()
        $out | Should -Match 'STATE: Stopped|THREW: PipelineStoppedException'
        $out | Should -Match 'WARNING: .*stopped by SIGTERM'
        $out | Should -Match 'HOST STILL RUNNING'
        $p.ExitCode | Should -Be 0
        $rows = @(Get-SbkubeState)
        $rows.App | Should -Be @('first')
        $rows[0].Status | Should -Be 'deployed'
    }
}

Describe 'A rollback that waited for a lock decides from what holds once it has it' {
    BeforeEach {
        $s = New-SbkubeSandbox
        # Helm keeps two revisions of the release.
        Add-Content (Join-Path $s.Example 'config.yaml') '    history_max: 2'
        foreach ($v in 'v1', 'v2', 'v3') {
            (Get-Content (Join-Path $s.Example 'values/redis.yaml') -Raw) -replace 'state-demo-v\d', "state-demo-$v" | Set-Content (Join-Path $s.Example 'values/redis.yaml') -NoNewline
            Invoke-SbkubeApply -Path $s.Example | Out-Null
        }
    }
    AfterEach { Set-ClusterFault $s $null; Remove-SbkubeSandbox $s }

    It 'another apply prunes the target from Helm''s history meanwhile: the rollback redeploys the snapshot instead of failing' {
        # Helm revision 2 is still there when the rollback is planned; the apply holding the lock makes
        # revision 4, and with history_max 2 Helm forgets revision 2.
        # The apply takes the app's lock, then lists helm's repositories (slowly) before it upgrades.
        Set-SlowDeploy $s 4
        (Get-Content (Join-Path $s.Example 'values/redis.yaml') -Raw).Replace('state-demo-v3', 'state-demo-v4') | Set-Content (Join-Path $s.Example 'values/redis.yaml') -NoNewline
        $p = Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)' | Out-Null"
        Wait-Until { @(Get-SbkubeLock | Where-Object Operation -EQ 'apply').Count -eq 1 } -Process $p
        (& $env:SBKUBE_HELM history redis -n state-demo -o json | ConvertFrom-Json).revision | Should -Contain 2
        $r = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 2 -LockTimeout 1m -Confirm:$false -ErrorAction SilentlyContinue
        $null = $p.WaitForExit(60000)
        $r.Outcome | Should -Be 'RolledBack' -Because $r.Message
        $r.Revision | Should -Be 5
        (& $env:SBKUBE_HELM history redis -n state-demo -o json | ConvertFrom-Json).revision | Should -Not -Contain 2
        (Get-SbkubeDeployment -Namespace state-demo -App redis -ShowSecrets).Values.auth.password | Should -Be 'state-demo-v2'
    }
}
