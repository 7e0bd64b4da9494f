# SBKube run the ways people run it: the first SBKube call of a fresh session made from inside a
# function or script whose own variables share names with the module's ($path, $app, ...), from a
# script file, with -NonInteractive, in a thread job and in a hosted runspace without a console.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:Scripts = Join-Path (Get-TestRoot) 'examples/scripts'

    # A pwsh that has not run any SBKube command yet: the module is imported, nothing else.
    function Invoke-FirstCall([string] $Body) {
        Invoke-FreshPwsh -Command "`$ErrorActionPreference = 'Stop'; Import-Module '$script:ModulePath'; $Body"
    }
}

Describe 'The first SBKube call of a session, from code with variables of its own' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $env:SBKUBE_RUNSTYLES_EXAMPLE = $s.Example
        # The same app with its repository password kept in a vault ({secret: NAME}), read with Get-Secret.
        $env:SBKUBE_RUNSTYLES_VAULT = Join-Path $s.Dir 'vault'
        Copy-Item $s.Example $env:SBKUBE_RUNSTYLES_VAULT -Recurse
        Set-Content (Join-Path $env:SBKUBE_RUNSTYLES_VAULT 'sources.yaml') ("helm_repos:`n  bitnami:`n    url: $($s.Cluster.Url)/auth/charts/bitnami`n" +
            "    username: chartuser`n    password: {secret: charts}`n")
        # SecretManagement's command as a vault answers it, defined in the session that makes the call.
        $script:FakeGetSecret = 'function global:Get-Secret { [CmdletBinding()] param($Name, $Vault, [switch] $AsPlainText) if ($Name -eq "charts") { "chart-pass" } }'
        # A backup to restore into a database of its own (Restore-SbkubeState then asks Helm about it).
        $env:SBKUBE_RUNSTYLES_BACKUP = Join-Path $s.Dir 'backup.db'
        Backup-SbkubeState -Destination $env:SBKUBE_RUNSTYLES_BACKUP | Out-Null
        $env:SBKUBE_RUNSTYLES_RESTORED = Join-Path $s.Dir 'restored/state.db'
    }
    AfterAll {
        Remove-SbkubeSandbox $s
        Remove-Item Env:SBKUBE_RUNSTYLES_EXAMPLE, Env:SBKUBE_RUNSTYLES_VAULT, Env:SBKUBE_RUNSTYLES_BACKUP, Env:SBKUBE_RUNSTYLES_RESTORED
    }

    It 'works inside a function that has $path, $app, $namespace and $revision (<Cmdlet>)' -ForEach @(
        @{ Cmdlet = 'Get-SbkubeState -Latest' }
        @{ Cmdlet = 'Get-SbkubeHistory -Namespace state-demo -App redis' }
        @{ Cmdlet = 'Test-SbkubeConfig -Path $env:SBKUBE_RUNSTYLES_EXAMPLE' }
        @{ Cmdlet = 'Get-SbkubeAuditLog -Action deploy' }
        @{ Cmdlet = 'Repair-SbkubeState -Namespace state-demo' }
        @{ Cmdlet = 'Invoke-SbkubeApply -Path $env:SBKUBE_RUNSTYLES_EXAMPLE -Force -WhatIf' }
        @{ Cmdlet = '$FakeGetSecret; Test-SbkubeConfig -Path $env:SBKUBE_RUNSTYLES_VAULT -Quiet'; Expect = 'True' }
        @{ Cmdlet = 'Restore-SbkubeState -Source $env:SBKUBE_RUNSTYLES_BACKUP -StatePath $env:SBKUBE_RUNSTYLES_RESTORED -Confirm:$false | Format-List Path, Revisions'; Expect = 'Revisions\s*:\s*1' }
    ) {
        $Cmdlet = $Cmdlet.Replace('$FakeGetSecret', $script:FakeGetSecret)
        $r = Invoke-FirstCall @"
function Show-Deployed {
    `$path = 'unrelated'; `$app = 'x'; `$namespace = 'y'; `$revision = 9
    $Cmdlet | Out-String -Width 200
    "path=`$path app=`$app namespace=`$namespace revision=`$revision"
}
Show-Deployed
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Not -Match 'optimized'
        $r.Output | Should -Contain 'path=unrelated app=x namespace=y revision=9'
        if ($Expect) { ($r.Output -join "`n") | Should -Match $Expect }
    }

    It 'works in a hosted runspace without a console (<Cmdlet>)' -ForEach @(
        @{ Cmdlet = 'Get-SbkubeAuditLog -Action deploy'; Expect = 'deploy' }
        @{ Cmdlet = 'Repair-SbkubeState -Namespace state-demo -Verbose 4>&1'; Expect = 'helm history' }
        # -WhatIf renders the forced redeploy with helm template.
        @{ Cmdlet = 'Invoke-SbkubeApply -Path $env:SBKUBE_RUNSTYLES_EXAMPLE -Force -WhatIf -Verbose 4>&1'; Expect = 'helm template' }
        @{ Cmdlet = '$FakeGetSecret; Test-SbkubeConfig -Path $env:SBKUBE_RUNSTYLES_VAULT -Quiet'; Expect = 'True' }
        @{ Cmdlet = 'Restore-SbkubeState -Source $env:SBKUBE_RUNSTYLES_BACKUP -StatePath $env:SBKUBE_RUNSTYLES_RESTORED -Confirm:$false | Format-List Path, Revisions'; Expect = 'Revisions\s*:\s*1' }
    ) {
        $Cmdlet = $Cmdlet.Replace('$FakeGetSecret', $script:FakeGetSecret)
        $r = Invoke-FirstCall @"
`$ps = [powershell]::Create()
try {
    `$null = `$ps.AddScript('Import-Module ''$script:ModulePath''; `$path = ''x''; $Cmdlet | Out-String -Width 200')
    `$ps.Invoke()
    if (`$ps.HadErrors) { `$ps.Streams.Error | ForEach-Object { "error: `$_" } }
} finally { `$ps.Dispose() }
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        ($r.Output -join "`n") | Should -Not -Match 'error: '
        ($r.Output -join "`n") | Should -Match $Expect
    }

    It 'loads the table views for that session, so the first listing is a table' {
        $r = Invoke-FirstCall @"
function Show-Deployed { `$path = 'x'; Get-SbkubeState -Latest | Out-String -Width 200 }
Show-Deployed
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        # The seed's columns, not Format-List's "Name : value" lines.
        ($r.Output -join "`n") | Should -Match '(?m)^\s*NAMESPACE\s+APP\s+REVISION'
        ($r.Output -join "`n") | Should -Not -Match '(?m)^ConfigHash\s+:'
    }

    It 'leaves the caller''s variables and scope alone when called at the top of a script file' {
        $file = Join-Path $s.Dir 'first-call.ps1'
        Set-Content $file @"
param([string] `$Path = 'kept')
Import-Module '$script:ModulePath'
`$n = @(Get-SbkubeState -Latest).Count
"count=`$n path=`$Path"
"@
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain 'count=1 path=kept'
    }
}

Describe 'The shipped workflow scripts as the first call of a session' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
    }
    AfterEach { Remove-SbkubeSandbox $s }

    # Each style runs Deploy-Checked, a user's function with a $path parameter, as the session's first SBKube call.
    It 'Invoke-AutoRollback.ps1 rolls a failed health check back, run <Style>' -ForEach @(
        @{ Style = 'from a function'; Run = 'Deploy-Checked $example' }
        @{ Style = 'dot-sourced'; Run = '. Deploy-Checked $example' }
        @{ Style = 'in a thread job'; Run = @'
Start-ThreadJob { Import-Module $using:module; ${function:Deploy-Checked} = [scriptblock]::Create($using:deploy); Deploy-Checked $using:example } | Receive-Job -Wait -AutoRemoveJob
'@ }
        @{ Style = 'in a hosted runspace without a console'; Run = @'
$ps = [powershell]::Create()
try {
    $null = $ps.AddScript("Import-Module '$module'; function Deploy-Checked { $deploy }; Deploy-Checked '$example'")
    $ps.Invoke()
    if ($ps.HadErrors) { $ps.Streams.Error | ForEach-Object { "error: $_" } }
} finally { $ps.Dispose() }
'@ }
    ) {
        $script = Join-Path $script:Scripts 'Invoke-AutoRollback.ps1'
        $r = Invoke-FreshPwsh -Command @"
`$ErrorActionPreference = 'Stop'
`$module = '$script:ModulePath'; `$example = '$($s.Example)'
`$deploy = @'
    param([string] `$path)
    & '$script' state-demo redis http://unused/health -Path `$path -WaitSeconds 0 -HealthCheck { `$false } 3>`$null
'@
Import-Module `$module
`${function:Deploy-Checked} = [scriptblock]::Create(`$deploy)
`$result = @($Run) | Select-Object -Last 1
"rolledback=`$(`$result.RolledBack) previous=`$(`$result.PreviousRevision)"
"@
        $r.Output | Should -Contain 'rolledback=True previous=1' -Because ($r.Output -join "`n")
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h[-1].Description | Should -Be 'Rollback to revision 1 (Health check failed)'
        $h[-1].Status | Should -Be 'deployed'
    }
}

Describe 'The blue-green and canary scripts as the first call of a session' {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $app = New-AppConfig -Dir (Join-Path $s.Dir 'myapp') -Namespace production -App myapp -Version 15.0.0
        Invoke-SbkubeApply -Path $app | Out-Null
        (Get-Content "$app/config.yaml" -Raw).Replace('15.0.0', '15.1.0') | Set-Content "$app/config.yaml" -NoNewline
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'Invoke-BlueGreen.ps1 rolls back to blue when called from a function with $path' {
        $script = Join-Path $script:Scripts 'Invoke-BlueGreen.ps1'
        $r = Invoke-FirstCall @"
function Switch-Color([string] `$path) { & '$script' production myapp -Path `$path -HealthCheck { `$false } 3>`$null 6>`$null }
`$result = Switch-Color '$app'
"rolledback=`$(`$result.RolledBack) blue=`$(`$result.BlueRevision)"
"@
        $r.Output | Should -Contain 'rolledback=True blue=1' -Because ($r.Output -join "`n")
        (Get-SbkubeDeployment -Namespace production -App myapp).Chart | Should -Be 'nginx-15.0.0'
    }

    It 'Invoke-Canary.ps1 removes a failing canary when called from a function with $path' {
        $canary = New-AppConfig -Dir (Join-Path $s.Dir 'myapp-canary') -Namespace production -App myapp -Version 15.1.0 -Replicas 2
        $script = Join-Path $script:Scripts 'Invoke-Canary.ps1'
        $r = Invoke-FirstCall @"
function Try-Canary([string] `$path, [string] `$app) {
    & '$script' production `$app -Path `$path -CanaryPath '$canary' -MonitorCount 1 -MonitorIntervalSeconds 0 -Monitor { `$false } 3>`$null 6>`$null
}
`$result = Try-Canary '$app' myapp
"promoted=`$(`$result.Promoted) removed=`$(`$result.CanaryRemoved)"
"@
        $r.Output | Should -Contain 'promoted=False removed=True' -Because ($r.Output -join "`n")
        (Get-SbkubeDeployment -Namespace production -App myapp).Chart | Should -Be 'nginx-15.0.0'
    }
}

Describe '-Debug and -Verbose under pwsh -NonInteractive (CI agents, runbooks)' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It '<Name> -Debug never prompts: the command runs to its end and shows its messages' -ForEach @(
        @{ Name = 'Invoke-SbkubeApply'; Call = 'Invoke-SbkubeApply -Path $env:SBKUBE_RUNSTYLES_EXAMPLE -Debug | Out-String -Width 200' }
        @{ Name = 'Get-SbkubeState'; Call = 'Get-SbkubeState -Debug | Out-String -Width 200' }
    ) {
        $env:SBKUBE_RUNSTYLES_EXAMPLE = $s.Example
        try {
            if ($Name -ne 'Invoke-SbkubeApply') { Invoke-SbkubeApply -Path $s.Example | Out-Null }
            $r = Invoke-FirstCall "$Call; 'DONE'"
        }
        finally { Remove-Item Env:SBKUBE_RUNSTYLES_EXAMPLE }
        $text = $r.Output -join "`n"
        $text | Should -Not -Match 'NonInteractive mode'
        $r.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match 'DONE'
        $text | Should -Match 'state-demo\s+redis'
        (Get-SbkubeState -Namespace state-demo -App redis).Status | Should -Be 'deployed'
    }
}

Describe 'The -Verbose lines of a real change' {
    BeforeAll { $s = New-SbkubeSandbox }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'name what is done, not what would be (no "Would" outside -WhatIf)' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $apply = @(Invoke-SbkubeApply -Path $s.Example -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rollback = @(Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Confirm:$false -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($rollback -join "`n") | Should -Match 'Performing the operation "Roll back state-demo/redis to revision 1'
        ($apply + $rollback) -join "`n" | Should -Not -Match 'Would'
    }
}

Describe 'A fresh machine: nothing deployed from it yet' {
    BeforeEach {
        $s = New-SbkubeSandbox
        $home2 = Join-Path $s.Dir 'home'
        New-Item -ItemType Directory $home2 | Out-Null
        # The default store (~/.sbkube/state.db) of a home that never had one.
        $fresh = "Remove-Item Env:SBKUBE_STATE_DB, Env:SBKUBE_STATE_CONNECTION -ErrorAction Ignore; `$env:HOME = '$home2'"
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'sbkube state list, Get-SbkubeState and Get-SbkubeLock list nothing, say why under -Verbose, exit 0 and create nothing' {
        $r = Invoke-FirstCall "$fresh; sbkube state list; 'rc=' + `$LASTEXITCODE; @(Get-SbkubeState).Count; @(Get-SbkubeLock).Count; Get-SbkubeState -Verbose 4>&1"
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'rc=0'
        ($r.Output | Where-Object { $_ -eq '0' }).Count | Should -Be 2
        ($r.Output -join "`n") | Should -Match 'There is no state database at .*\.sbkube/state\.db. yet: nothing was deployed from here'
        Join-Path $home2 '.sbkube' | Should -Not -Exist
    }

    It 'a store named explicitly that does not exist stays an error (StateStore.NotFound)' {
        $missing = Join-Path $s.Dir 'typo.db'
        { Get-SbkubeState -StatePath $missing -ErrorAction Stop } | Should -Throw -ErrorId 'StateStore.NotFound*'
        $missing | Should -Not -Exist
    }

    It 'Invoke-SbkubeApply -WhatIf plans the install and creates no file, folder or table' {
        $plan = Invoke-SbkubeApply -Path $s.Example -WhatIf
        $plan.Action | Should -Be 'Install'
        $s.StateDb | Should -Not -Exist
        Split-Path $s.StateDb | Should -Not -Exist
    }
}

Describe 'A run in progress, seen from another session' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'is described as running (which process, since when), not as an interrupted run to repair' {
        Set-SlowDeploy $s 4
        $p = Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)' | Out-Null"
        try {
            Wait-Until { (Get-PendingCount) -eq 1 } -Process $p
            $warnings = $null
            $verbose = @(Get-SbkubeState -WarningVariable warnings -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            @($warnings).Count | Should -Be 0 -Because ($warnings -join "`n")
            ($verbose -join "`n") | Should -Match "being deployed by process $($p.Id) on this host since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
        }
        finally { $null = $p.WaitForExit(60000); Set-ClusterFault $s $null }
        (Get-SbkubeState).Status | Should -Be 'deployed'
    }
}

Describe 'Default tables in an 80-column console' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Reason 'the error rate went up right after the chart upgrade' -Confirm:$false | Out-Null
        $lock = Lock-SbkubeNamespace -Namespace state-demo -Duration 2h -Reason 'release freeze until the quarterly review is over'
        function Show([scriptblock] $Command) { @((& $Command | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ }) }
    }
    AfterAll { Unlock-SbkubeNamespace -LockId $lock.LockId -Force -Confirm:$false; Remove-SbkubeSandbox $s }

    It '<Name> fits: every column shown, no line over 80' -ForEach @(
        @{ Name = 'Get-SbkubeHistory'; Command = { Get-SbkubeHistory -Namespace state-demo -App redis }; Header = 'REVISION', 'DEPLOYED AT', 'STATUS', 'CHART', 'DESCRIPTION' }
        @{ Name = 'Get-SbkubeState'; Command = { Get-SbkubeState }; Header = 'NAMESPACE', 'APP', 'REVISION', 'STATUS', 'DEPLOYED AT', 'CHART' }
        @{ Name = 'Get-SbkubeLock'; Command = { Get-SbkubeLock }; Header = 'LOCK ID', 'NAMESPACE', 'APP', 'OWNER', 'OPERATION', 'EXPIRES', 'STALE' }
    ) {
        $lines = Show $Command
        foreach ($h in $Header) { $lines[0] | Should -Match ([regex]::Escape($h)) }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 -Because $_ }
    }

    It 'a long description is cut with … in the table and whole in Format-List, and so is a lock''s reason' {
        (Show { Get-SbkubeHistory -Namespace state-demo -App redis })[-1] | Should -Match '…$'
        (Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1 | Format-List Description | Out-String -Width 200) |
            Should -Match 'right after the chart upgrade'
        (Get-SbkubeLock | Format-List | Out-String -Width 200) | Should -Match 'release freeze until the quarterly review is over'
    }
}
