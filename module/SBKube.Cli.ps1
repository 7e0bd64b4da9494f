# The sbkube function's implementation: its command table, the parsing and the mapping to the cmdlets.
# Loaded on the first use of sbkube (or of its tab completion), not at import: parsing it costs more of a
# fresh pwsh's start than the rest of the module. Everything here is defined in the module's scope.
# PowerShell 5.1 compatible: no ternary, no null-coalescing, no pipeline chain operators.

# Every flag the CLI knows, and whether it takes a value. Used to split the command line before the command
# is known (a global flag such as --state-db may come first).
$script:ValueFlags = @(
    'namespace', 'app', 'path', 'revision', 'format', 'limit', 'since', 'older-than', 'keep-last',
    'port', 'address', 'state-db', 'context', 'lock-timeout', 'reason', 'description', 'action'
)
$script:SwitchFlags = @('force', 'dry-run', 'lock', 'show-secrets', 'allow-failed', 'help', 'latest', 'version')
$script:GlobalFlags = @('state-db', 'help')

# Per command: its flags (besides the global ones), the required ones, a usage line, a description and the
# cmdlet it runs (messages that name that cmdlet are reworded as this command).
$script:Commands = [ordered]@{
    'apply'                = @{
        Flags = @('namespace', 'app', 'path', 'force', 'dry-run', 'lock', 'lock-timeout', 'context', 'description'); Required = @()
        Usage = 'sbkube apply [--path DIR] [--namespace NS] [--app APP] [--force] [--dry-run] [--lock [--lock-timeout 5m]] [--context CTX] [--description TEXT]'
        Help  = 'Deploy the apps of config.yaml (in --path, default: the current directory). Invoke-SbkubeApply.'
        Cmdlet = 'Invoke-SbkubeApply'
    }
    'deploy'               = @{
        Flags = @('namespace', 'app', 'path', 'force', 'dry-run', 'lock', 'lock-timeout', 'context', 'description'); Required = @()
        Usage = 'sbkube deploy [--namespace NS] [--lock] [--path DIR] [--app APP] [--force] [--dry-run] [--description TEXT]'
        Help  = 'Same as apply; with --lock the namespace is locked for the run. Invoke-SbkubeApply -Lock.'
        Cmdlet = 'Invoke-SbkubeApply'
    }
    'rollback'             = @{
        Flags = @('namespace', 'app', 'revision', 'reason', 'dry-run', 'force', 'allow-failed', 'lock', 'lock-timeout', 'context'); Required = @('namespace', 'app', 'revision')
        Usage = 'sbkube rollback --namespace NS --app APP --revision N|previous [--reason TEXT] [--dry-run] [--force] [--allow-failed] [--lock]'
        Help  = 'Redeploy a recorded revision as a new revision. Invoke-SbkubeRollback.'
        Cmdlet = 'Invoke-SbkubeRollback'
    }
    'delete'               = @{
        Flags = @('namespace', 'app', 'path', 'dry-run', 'lock', 'lock-timeout', 'context'); Required = @()
        Usage = 'sbkube delete --namespace NS [--app APP] | sbkube delete --path DIR [--app APP]'
        Help  = 'Uninstall the deployed apps of a namespace (history is kept); no confirmation prompt. Remove-SbkubeApp.'
        Cmdlet = 'Remove-SbkubeApp'
    }
    'state list'           = @{
        Flags = @('namespace', 'app', 'format', 'latest', 'context'); Required = @()
        Usage = 'sbkube state list [--namespace NS] [--app APP] [--latest] [--format table|json]'
        Help  = 'List recorded revisions. Get-SbkubeState.'
        Cmdlet = 'Get-SbkubeState'
    }
    'state history'        = @{
        Flags = @('namespace', 'app', 'limit', 'since', 'context', 'action'); Required = @('namespace', 'app'); Unless = 'action'
        Usage = 'sbkube state history --namespace NS --app APP [--limit N] [--since DATE] | sbkube state history --action ACTION [--namespace NS] [--app APP] [--since DATE]'
        Help  = 'Revisions of one app, oldest first (Get-SbkubeHistory); with --action, those actions across apps, the seed''s audit query (Get-SbkubeAuditLog).'
        Cmdlet = 'Get-SbkubeHistory'
    }
    'state show'           = @{
        Flags = @('namespace', 'app', 'revision', 'show-secrets', 'context'); Required = @('namespace', 'app')
        Usage = 'sbkube state show --namespace NS --app APP [--revision N|current] [--show-secrets]'
        Help  = 'One revision as YAML (secrets masked unless --show-secrets). Get-SbkubeDeployment -Format Yaml.'
        Cmdlet = 'Get-SbkubeDeployment'
    }
    'state locks'          = @{
        Flags = @('namespace'); Required = @()
        Usage = 'sbkube state locks [--namespace NS]'
        Help  = 'Deployment locks and freezes. Get-SbkubeLock.'
        Cmdlet = 'Get-SbkubeLock'
    }
    'state prune'          = @{
        Flags = @('older-than', 'keep-last', 'namespace', 'app', 'dry-run', 'context'); Required = @()
        Usage = 'sbkube state prune --older-than 30d [--keep-last N] [--namespace NS] [--app APP] [--dry-run]'
        Help  = 'Delete old revisions (never the deployed one). Remove-SbkubeHistory.'
        Cmdlet = 'Remove-SbkubeHistory'
    }
    'state export-metrics' = @{
        Flags = @('port', 'address'); Required = @()
        Usage = 'sbkube state export-metrics [--port 9090] [--address 127.0.0.1]'
        Help  = 'Serve Prometheus metrics at http://ADDRESS:PORT/metrics until Ctrl+C. Start-SbkubeMetricsServer.'
        Cmdlet = 'Start-SbkubeMetricsServer'
    }
}

# Parsing the command line and printing the seed's tables.
. (Join-Path $PSScriptRoot 'SBKube.CliText.ps1')

# Runs one sbkube command line; $Caller is the sbkube function's own, so errors and $? are sbkube's.
function script:Invoke-SbkubeCli {
    param([System.Management.Automation.PSCmdlet] $Caller, [string[]] $Arguments)

    if ($null -eq $Arguments) { $Arguments = @() }
    # The seed's CLI never asks for confirmation (sbkube delete included). A preference rather than -Confirm:$false,
    # so that the cmdlets run exactly as they do without -Confirm.
    $ConfirmPreference = 'None'
    $global:LASTEXITCODE = 0
    try {
        $parsed = ConvertFrom-SbkubeCliArgument -Arguments $Arguments

        # The command: one word, or two for `state ...`.
        $words = @($parsed.Words)
        $command = $null
        $used = 0
        if ($words.Count -ge 1) {
            $first = $words[0].ToLowerInvariant()
            if ($first -eq 'state' -and $words.Count -ge 2) {
                $command = 'state ' + $words[1].ToLowerInvariant()
                $used = 2
            } elseif ($first -eq 'state') {
                $command = 'state'
                $used = 1
            } else {
                $command = $first
                $used = 1
            }
        }

        if ($parsed.Flags.Contains('version') -and $words.Count -eq 0) {
            "sbkube $($Caller.MyInvocation.MyCommand.Module.Version) (the SBKube module on PowerShell $($PSVersionTable.PSVersion))"
            return
        }
        if ($null -eq $command -or ($command -eq 'state' -and $parsed.Help)) {
            Get-SbkubeCliUsage
            return
        }
        if (-not $script:Commands.Contains($command)) {
            $valid = ($script:Commands.Keys | ForEach-Object { "'$_'" }) -join ', '
            $what = if ($command -eq 'state') { "'sbkube state' needs a subcommand." } else { "Unknown command 'sbkube $command'." }
            throw (New-SbkubeCliError -Id 'UnknownCommand' -Message "$what Valid commands: $valid. Run 'sbkube --help' for usage." -Target $command)
        }
        if ($parsed.Help) {
            Get-SbkubeCliUsage -Command $command
            return
        }

        $spec = $script:Commands[$command]
        $allowed = @($spec.Flags) + $script:GlobalFlags
        $validList = ($allowed | Sort-Object | ForEach-Object { "--$_" }) -join ', '
        foreach ($u in $parsed.Unknown) {
            throw (New-SbkubeCliError -Id 'UnknownFlag' -Message "Unknown flag '$u' for 'sbkube $command'. Valid flags: $validList." -Target $u)
        }
        foreach ($name in $parsed.Flags.Keys) {
            if ($allowed -notcontains $name) {
                throw (New-SbkubeCliError -Id 'UnknownFlag' -Message "Unknown flag '--$name' for 'sbkube $command'. Valid flags: $validList." -Target "--$name")
            }
        }
        if ($words.Count -gt $used) {
            $extra = $words[$used]
            throw (New-SbkubeCliError -Id 'UnexpectedArgument' -Message "Unexpected argument '$extra' for 'sbkube $command'; values go after a flag, e.g. --namespace $extra. Usage: $($spec.Usage)" -Target $extra)
        }
        $f = $parsed.Flags
        # Unless: a flag that lifts the requirement (state history --action lists that action across apps).
        $unless = if ($spec.Contains('Unless')) { $spec.Unless } else { $null }
        foreach ($req in $spec.Required) {
            if (-not $f.Contains($req) -and -not ($unless -and $f.Contains($unless))) {
                $or = if ($unless) { " (or --$unless)" } else { '' }
                throw (New-SbkubeCliError -Id 'MissingFlag' -Message "'sbkube $command' needs --$req$or. Usage: $($spec.Usage)" -Target "--$req")
            }
        }
        if ($command -eq 'delete' -and -not $f.Contains('namespace') -and -not $f.Contains('path')) {
            throw (New-SbkubeCliError -Id 'MissingFlag' -Message "'sbkube delete' needs --namespace (or --path to a config). Usage: $($spec.Usage)" -Target '--namespace')
        }

        # Build the cmdlet call.
        $p = @{}
        if ($f.Contains('state-db')) { $p.StatePath = $f['state-db'] }
        if ($f.Contains('context')) { $p.KubeContext = $f['context'] }
        $cmdlet = $null
        $render = $null
        $streamed = $false
        switch ($command) {
            { $_ -eq 'apply' -or $_ -eq 'deploy' } {
                $cmdlet = 'Invoke-SbkubeApply'
                $p.Path = if ($f.Contains('path')) { $f['path'] } else { (Get-Location -PSProvider FileSystem).ProviderPath }
                if ($f.Contains('app')) { $p.App = @(([string]$f['app']).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
                Copy-SbkubeCliFlag $f $p @{ namespace = 'Namespace'; force = 'Force'; lock = 'Lock'; 'lock-timeout' = 'LockTimeout'; 'dry-run' = 'WhatIf'; description = 'Description' }
                $render = {
                    param($out)
                    if ($f.Contains('dry-run')) {
                        Format-SbkubeCliPlan $out
                        'Dry run: nothing was deployed or recorded.'
                    }
                    elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
                }
            }
            'rollback' {
                $cmdlet = 'Invoke-SbkubeRollback'
                Copy-SbkubeCliFlag $f $p @{ namespace = 'Namespace'; app = 'App'; revision = 'Revision'; reason = 'Reason'; force = 'Force'
                    'allow-failed' = 'AllowFailed'; lock = 'Lock'; 'lock-timeout' = 'LockTimeout'; 'dry-run' = 'WhatIf' }
                $render = {
                    param($out)
                    if ($f.Contains('dry-run')) {
                        Format-SbkubeCliPlan $out
                        'Dry run: nothing was changed.'
                    } elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
                }
            }
            'delete' {
                $cmdlet = 'Remove-SbkubeApp'
                if ($f.Contains('path')) { $p.Path = $f['path'] }
                if ($f.Contains('namespace')) { $p.Namespace = $f['namespace'] }
                if ($f.Contains('app')) { $p.App = @(([string]$f['app']).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
                if ($f.Contains('lock')) { $p.Lock = $true }
                if ($f.Contains('lock-timeout')) { $p.LockTimeout = $f['lock-timeout'] }
                if ($f.Contains('dry-run')) { $p.WhatIf = $true } else { $p.PassThru = $true }
                $render = {
                    param($out)
                    if ($f.Contains('dry-run')) { Format-SbkubeCliPlan $out; 'Dry run: nothing was deleted.' }
                    elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
                    else { 'No deployed apps to delete.' }
                }
            }
            'state list' {
                $cmdlet = 'Get-SbkubeState'
                if ($f.Contains('namespace')) { $p.Namespace = $f['namespace'] }
                if ($f.Contains('app')) { $p.App = $f['app'] }
                if ($f.Contains('latest')) { $p.Latest = $true }
                $format = 'table'
                if ($f.Contains('format')) { $format = ([string]$f['format']).ToLowerInvariant() }
                if ($format -ne 'table' -and $format -ne 'json') {
                    throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--format expects 'table' or 'json'; got '$($f['format'])'." -Target '--format')
                }
                # Both print as the rows stream from the store.
                $p.Format = if ($format -eq 'json') { 'Json' } else { 'Table' }
                $streamed = $true
            }
            'state history' {
                $cmdlet = 'Get-SbkubeHistory'
                if ($f.Contains('namespace')) { $p.Namespace = $f['namespace'] }
                if ($f.Contains('app')) { $p.App = $f['app'] }
                if ($f.Contains('action')) {
                    $cmdlet = 'Get-SbkubeAuditLog'
                    $p.Action = @(([string]$f['action']) -split ',')
                    if ($f.Contains('limit')) { throw (New-SbkubeCliError -Id 'InvalidValue' -Message '--limit does not go with --action; use --since.' -Target '--limit') }
                }
                if ($f.Contains('limit')) { $p.Limit = Get-SbkubeCliInt $f 'limit' 1 }
                if ($f.Contains('since')) {
                    $since = [datetime]::MinValue
                    $styles = [System.Globalization.DateTimeStyles]::AssumeLocal
                    if (-not [datetime]::TryParse([string]$f['since'], [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$since)) {
                        throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--since expects a date or date and time such as 2025-10-24 or '2025-10-24 12:00:00' (local time); got '$($f['since'])'." -Target '--since')
                    }
                    $p.Since = $since
                }
                $render = {
                    param($out)
                    $rows = New-Object System.Collections.Generic.List[object]
                    if ($cmdlet -eq 'Get-SbkubeAuditLog') {
                        foreach ($r in $out) { $rows.Add(@((Format-SbkubeCliTime $r.Timestamp), $r.Action, $r.Namespace, $r.App, $r.Revision, $r.Outcome, $r.User, $r.Description)) }
                        Format-SbkubeCliTable -Header @('TIME', 'ACTION', 'NAMESPACE', 'APP', 'REVISION', 'OUTCOME', 'USER', 'DESCRIPTION') -Rows $rows.ToArray()
                        return
                    }
                    foreach ($r in $out) { $rows.Add(@($r.Revision, (Format-SbkubeCliTime $r.DeployedAt), $r.Status, $r.Chart, $r.Description)) }
                    Format-SbkubeCliTable -Header @('REVISION', 'DEPLOYED AT', 'STATUS', 'CHART', 'DESCRIPTION') -Rows $rows.ToArray()
                }
            }
            'state show' {
                $cmdlet = 'Get-SbkubeDeployment'
                $p.Namespace = $f['namespace']; $p.App = $f['app']; $p.Format = 'Yaml'
                if ($f.Contains('revision')) { $p.Revision = $f['revision'] }
                if ($f.Contains('show-secrets')) { $p.ShowSecrets = $true }
                $render = { param($out) foreach ($text in $out) { ([string]$text).TrimEnd("`r", "`n") -split "`r?`n" } }
            }
            'state locks' {
                $cmdlet = 'Get-SbkubeLock'
                if ($f.Contains('namespace')) { $p.Namespace = $f['namespace'] }
                $render = {
                    param($out)
                    $rows = New-Object System.Collections.Generic.List[object]
                    foreach ($l in $out) {
                        $op = if ($l.Reason) { '{0} ({1})' -f $l.Operation, $l.Reason } else { $l.Operation }
                        $exp = if ($l.ExpiresAt) { Format-SbkubeCliTime $l.ExpiresAt } else { 'never' }
                        $rows.Add(@($l.LockId, $l.Namespace, $l.App, $l.Owner, $op, (Format-SbkubeCliTime $l.AcquiredAt), $exp))
                    }
                    Format-SbkubeCliTable -Header @('LOCK ID', 'NAMESPACE', 'APP', 'OWNER', 'OPERATION', 'ACQUIRED', 'EXPIRES') -Rows $rows.ToArray()
                }
            }
            'state prune' {
                $cmdlet = 'Remove-SbkubeHistory'
                if (-not $f.Contains('older-than') -and -not $f.Contains('keep-last')) {
                    throw (New-SbkubeCliError -Id 'MissingFlag' -Message "'sbkube state prune' needs --older-than (e.g. 30d), --keep-last N, or both. Usage: $($spec.Usage)" -Target '--older-than')
                }
                if ($f.Contains('older-than')) { $p.OlderThan = $f['older-than'] }
                if ($f.Contains('keep-last')) { $p.KeepLast = Get-SbkubeCliInt $f 'keep-last' 1 }
                if ($f.Contains('namespace')) { $p.Namespace = $f['namespace'] }
                if ($f.Contains('app')) { $p.App = $f['app'] }
                if ($f.Contains('dry-run')) { $p.WhatIf = $true } else { $p.PassThru = $true }
                $render = {
                    param($out)
                    # One line per app (how many revisions, which range, which dates), not one per revision.
                    $total = if ($out.Count -gt 0) { ($out | Measure-Object -Property Revisions -Sum).Sum } else { 0 }
                    if ($out.Count -gt 0) {
                        $rows = New-Object System.Collections.Generic.List[object]
                        foreach ($r in $out) {
                            $rows.Add(@($r.Namespace, $r.App, $r.Revisions, ('{0}-{1}' -f $r.FirstRevision, $r.LastRevision), (Format-SbkubeCliTime $r.Oldest), (Format-SbkubeCliTime $r.Newest)))
                        }
                        Format-SbkubeCliTable -Header @('NAMESPACE', 'APP', 'REVISIONS', 'RANGE', 'OLDEST', 'NEWEST') -Rows $rows.ToArray()
                    }
                    if ($f.Contains('dry-run')) { "Dry run: would prune $([int]$total) revision(s); nothing was changed." }
                    else { "Pruned $([int]$total) revision(s)." }
                }
            }
            'state export-metrics' {
                $cmdlet = 'Start-SbkubeMetricsServer'
                if ($f.Contains('port')) { $p.Port = Get-SbkubeCliInt $f 'port' 0 65535 }
                if ($f.Contains('address')) { $p.Address = $f['address'] }
                $p.Wait = $true
                $render = { param($out) }
            }
        }

        # Run it. Non-terminating errors are re-emitted by this function so that $? is $false afterwards.
        $cliErrors = $null
        $cliWarnings = $null
        if ($streamed) { & $cmdlet @p -ErrorAction SilentlyContinue -ErrorVariable cliErrors -WarningAction SilentlyContinue -WarningVariable cliWarnings }
        else {
            $out = @(& $cmdlet @p -ErrorAction SilentlyContinue -ErrorVariable cliErrors -WarningAction SilentlyContinue -WarningVariable cliWarnings)
            & $render $out
        }
        foreach ($w in @($cliWarnings)) { if ($w) { $Caller.WriteWarning((ConvertTo-SbkubeCliWording $w.Message)) } }
        if ($cliErrors -and $cliErrors.Count -gt 0) {
            $global:LASTEXITCODE = 1
            # A lookup that finds nothing fails the command, as a native CLI exits non-zero.
            $missing = @($cliErrors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.CategoryInfo.Category -eq 'ObjectNotFound' })
            if ($missing.Count -gt 0) { $Caller.ThrowTerminatingError((Set-SbkubeCliWording $missing[0])) }
            foreach ($e in $cliErrors) {
                if ($e -is [System.Management.Automation.ErrorRecord]) { $Caller.WriteError((Set-SbkubeCliWording $e)) }
                else { $Caller.WriteError((New-Object System.Management.Automation.ErrorRecord $e.Exception, 'SbkubeCli.CommandFailed', 'NotSpecified', $null)) }
            }
        }
    } catch [System.Management.Automation.PipelineStoppedException] {
        $global:LASTEXITCODE = 130
        throw
    } catch {
        $global:LASTEXITCODE = 1
        $Caller.ThrowTerminatingError((Set-SbkubeCliWording $_))
    }
}

# Completion of the command words and of each command's flags (values complete as paths, as usual).
function script:Get-SbkubeCliCompletion {
    param([string] $wordToComplete, $commandAst)
    $typed = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.Extent.Text })
    if ($wordToComplete -and $typed.Count -gt 0 -and $typed[-1] -eq $wordToComplete) { $typed = @($typed | Select-Object -SkipLast 1) }
    $words = @($typed | Where-Object { $_ -notlike '-*' })
    $previous = if ($typed.Count -gt 0) { $typed[-1] -replace '^--', '' } else { '' }
    if ($typed.Count -gt 0 -and $typed[-1] -like '--*' -and $script:ValueFlags -contains $previous) {
        if ($previous -eq 'format') { $candidates = @('table', 'json') } else { return }
    } elseif ($wordToComplete -like '-*') {
        $command = if ($words.Count -ge 2 -and $words[0] -eq 'state') { "state $($words[1])" } elseif ($words.Count -ge 1) { $words[0] } else { $null }
        $flags = if ($command -and $script:Commands.Contains($command)) { @($script:Commands[$command].Flags) + $script:GlobalFlags } else { $script:GlobalFlags + 'version' }
        $candidates = @($flags | Where-Object { $typed -notcontains "--$_" } | ForEach-Object { "--$_" })
    } elseif ($words.Count -eq 0) {
        $candidates = @($script:Commands.Keys | ForEach-Object { ($_ -split ' ')[0] } | Select-Object -Unique)
    } elseif ($words.Count -eq 1 -and $words[0] -eq 'state') {
        $candidates = @($script:Commands.Keys | Where-Object { $_ -like 'state *' } | ForEach-Object { ($_ -split ' ')[1] })
    } else { return }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | Sort-Object | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
