# The sbkube function's implementation: its command table, the parsing and the mapping to the cmdlets.
# Loaded on the first use of sbkube (or of its tab completion), not at import: parsing it costs more of a
# fresh pwsh's start than the rest of the module. Everything here is defined in the module's scope.
# PowerShell 5.1 compatible: no ternary, no null-coalescing, no pipeline chain operators.

# The command table: one entry per command, carrying everything about it.
#   Cmdlet     the cmdlet it runs (messages that name that cmdlet are reworded as this command);
#   CmdletWhen a flag that makes it run another cmdlet instead (state history --action);
#   Flags      its flags (besides the global ones), each the cmdlet parameter it sets, as 'Parameter' or
#              'Parameter:Conversion:...': List (comma-separated), Int:MIN[:MAX], Date, Choice:A:B;
#              a switch flag sets $true;
#   Required   flags it cannot run without (Unless: a flag that lifts that); Excludes: flag -> a flag it cannot go with;
#   Defaults   parameters set when no flag set them (a script block is run for the value);
#   Live       parameters set unless --dry-run;
#   Render     turns the cmdlet's output into the seed's text: param($out, $flags, $cmdlet); a command without
#              one streams the cmdlet's output as it comes (state list prints its own table and JSON).
# Flags that take no value; every other flag takes one.
$script:SwitchFlags = @('force', 'dry-run', 'lock', 'show-secrets', 'allow-failed', 'latest', 'help', 'version')
# Flags every command takes, and the parameter each sets (help is the CLI's own).
$script:GlobalFlags = [ordered]@{ 'state-db' = 'StatePath'; 'help' = $null }

$script:ApplyFlags = [ordered]@{
    path = 'Path'; namespace = 'Namespace'; app = 'App:List'; force = 'Force'; 'dry-run' = 'WhatIf'; lock = 'Lock'
    'lock-timeout' = 'LockTimeout'; context = 'KubeContext'; description = 'Description'
}
$script:ApplyRender = {
    param($out, $f)
    if ($f.Contains('dry-run')) {
        Format-SbkubeCliPlan $out
        'Dry run: nothing was deployed or recorded.'
    } elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
}
$script:CurrentFolder = { (Get-Location -PSProvider FileSystem).ProviderPath }

$script:Commands = [ordered]@{
    'apply'                = @{
        Cmdlet = 'Invoke-SbkubeApply'; Flags = $script:ApplyFlags; Required = @()
        Defaults = @{ Path = $script:CurrentFolder }; Render = $script:ApplyRender
        Usage = 'sbkube apply [--path DIR] [--namespace NS] [--app APP] [--force] [--dry-run] [--lock [--lock-timeout 5m]] [--context CTX] [--description TEXT]'
        Help  = 'Deploy the apps of config.yaml (in --path, default: the current directory). Invoke-SbkubeApply.'
    }
    'deploy'               = @{
        Cmdlet = 'Invoke-SbkubeApply'; Flags = $script:ApplyFlags; Required = @()
        Defaults = @{ Path = $script:CurrentFolder }; Render = $script:ApplyRender
        Usage = 'sbkube deploy [--namespace NS] [--lock] [--path DIR] [--app APP] [--force] [--dry-run] [--description TEXT]'
        Help  = 'Same as apply; with --lock the namespace is locked for the run. Invoke-SbkubeApply -Lock.'
    }
    'rollback'             = @{
        Cmdlet = 'Invoke-SbkubeRollback'; Required = @('namespace', 'app', 'revision')
        Flags = [ordered]@{
            namespace = 'Namespace'; app = 'App'; revision = 'Revision'; reason = 'Reason'; 'dry-run' = 'WhatIf'; force = 'Force'
            'allow-failed' = 'AllowFailed'; lock = 'Lock'; 'lock-timeout' = 'LockTimeout'; context = 'KubeContext'
        }
        Render = {
            param($out, $f)
            if ($f.Contains('dry-run')) {
                Format-SbkubeCliPlan $out
                'Dry run: nothing was changed.'
            } elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
        }
        Usage = 'sbkube rollback --namespace NS --app APP --revision N|previous [--reason TEXT] [--dry-run] [--force] [--allow-failed] [--lock]'
        Help  = 'Redeploy a recorded revision as a new revision. Invoke-SbkubeRollback.'
    }
    'delete'               = @{
        Cmdlet = 'Remove-SbkubeApp'; Required = @('namespace'); Unless = 'path'; Live = @{ PassThru = $true }
        Flags = [ordered]@{
            namespace = 'Namespace'; app = 'App:List'; path = 'Path'; 'dry-run' = 'WhatIf'; lock = 'Lock'; 'lock-timeout' = 'LockTimeout'
            context = 'KubeContext'
        }
        Render = {
            param($out, $f)
            if ($f.Contains('dry-run')) { Format-SbkubeCliPlan $out; 'Dry run: nothing was deleted.' }
            elseif ($out.Count -gt 0) { Format-SbkubeCliResult $out }
            else { 'No deployed apps to delete.' }
        }
        Usage = 'sbkube delete --namespace NS [--app APP] | sbkube delete --path DIR [--app APP]'
        Help  = 'Uninstall the deployed apps of a namespace (history is kept); no confirmation prompt. Remove-SbkubeApp.'
    }
    'state list'           = @{
        # No renderer: the cmdlet prints the seed's table or JSON itself, as the rows stream from the store.
        Cmdlet = 'Get-SbkubeState'; Required = @(); Defaults = @{ Format = 'Table' }
        Flags = [ordered]@{ namespace = 'Namespace'; app = 'App'; format = 'Format:Choice:Table:Json'; latest = 'Latest'; context = 'KubeContext' }
        Usage = 'sbkube state list [--namespace NS] [--app APP] [--latest] [--format table|json]'
        Help  = 'List recorded revisions. Get-SbkubeState.'
    }
    'state history'        = @{
        Cmdlet = 'Get-SbkubeHistory'; CmdletWhen = @{ action = 'Get-SbkubeAuditLog' }
        Required = @('namespace', 'app'); Unless = 'action'; Excludes = @{ limit = 'action' }
        Flags = [ordered]@{
            namespace = 'Namespace'; app = 'App'; limit = 'Limit:Int:1'; since = 'Since:Date'; context = 'KubeContext'; action = 'Action:List'
        }
        Render = {
            param($out, $f, $cmdlet)
            $rows = New-Object System.Collections.Generic.List[object]
            if ($cmdlet -eq 'Get-SbkubeAuditLog') {
                foreach ($r in $out) { $rows.Add(@((Format-SbkubeCliTime $r.Timestamp), $r.Action, $r.Namespace, $r.App, $r.Revision, $r.Outcome, $r.User, $r.Description)) }
                Format-SbkubeCliTable -Header @('TIME', 'ACTION', 'NAMESPACE', 'APP', 'REVISION', 'OUTCOME', 'USER', 'DESCRIPTION') -Rows $rows.ToArray()
                return
            }
            foreach ($r in $out) { $rows.Add(@($r.Revision, (Format-SbkubeCliTime $r.DeployedAt), $r.Status, $r.Chart, $r.Description)) }
            Format-SbkubeCliTable -Header @('REVISION', 'DEPLOYED AT', 'STATUS', 'CHART', 'DESCRIPTION') -Rows $rows.ToArray()
        }
        Usage = 'sbkube state history --namespace NS --app APP [--limit N] [--since DATE] | sbkube state history --action ACTION [--namespace NS] [--app APP] [--since DATE]'
        Help  = 'Revisions of one app, oldest first (Get-SbkubeHistory); with --action, those actions across apps, the seed''s audit query (Get-SbkubeAuditLog).'
    }
    'state show'           = @{
        Cmdlet = 'Get-SbkubeDeployment'; Required = @('namespace', 'app'); Defaults = @{ Format = 'Yaml' }
        Flags = [ordered]@{ namespace = 'Namespace'; app = 'App'; revision = 'Revision'; 'show-secrets' = 'ShowSecrets'; context = 'KubeContext' }
        Render = { param($out) foreach ($text in $out) { ([string]$text).TrimEnd("`r", "`n") -split "`r?`n" } }
        Usage = 'sbkube state show --namespace NS --app APP [--revision N|current] [--show-secrets]'
        Help  = 'One revision as YAML (secrets masked unless --show-secrets). Get-SbkubeDeployment -Format Yaml.'
    }
    'state locks'          = @{
        Cmdlet = 'Get-SbkubeLock'; Required = @(); Flags = [ordered]@{ namespace = 'Namespace' }
        Render = {
            param($out)
            $rows = New-Object System.Collections.Generic.List[object]
            foreach ($l in $out) {
                $op = if ($l.Reason) { '{0} ({1})' -f $l.Operation, $l.Reason } else { $l.Operation }
                $exp = if ($l.ExpiresAt) { Format-SbkubeCliTime $l.ExpiresAt } else { 'never' }
                $rows.Add(@($l.LockId, $l.Namespace, $l.App, $l.Owner, $op, (Format-SbkubeCliTime $l.AcquiredAt), $exp))
            }
            Format-SbkubeCliTable -Header @('LOCK ID', 'NAMESPACE', 'APP', 'OWNER', 'OPERATION', 'ACQUIRED', 'EXPIRES') -Rows $rows.ToArray()
        }
        Usage = 'sbkube state locks [--namespace NS]'
        Help  = 'Deployment locks and freezes. Get-SbkubeLock.'
    }
    'state prune'          = @{
        Cmdlet = 'Remove-SbkubeHistory'; Required = @('older-than'); Unless = 'keep-last'; Live = @{ PassThru = $true }
        Flags = [ordered]@{
            'older-than' = 'OlderThan'; 'keep-last' = 'KeepLast:Int:1'; namespace = 'Namespace'; app = 'App'; 'dry-run' = 'WhatIf'
            context = 'KubeContext'
        }
        Render = {
            param($out, $f)
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
        Usage = 'sbkube state prune --older-than 30d [--keep-last N] [--namespace NS] [--app APP] [--dry-run]'
        Help  = 'Delete old revisions (never the deployed one): --older-than, --keep-last N, or both. Remove-SbkubeHistory.'
    }
    'state export-metrics' = @{
        Cmdlet = 'Start-SbkubeMetricsServer'; Required = @(); Defaults = @{ Wait = $true }
        Flags = [ordered]@{ port = 'Port:Int:0:65535'; address = 'Address' }
        Render = { param($out) }
        Usage = 'sbkube state export-metrics [--port 9090] [--address 127.0.0.1]'
        Help  = 'Serve Prometheus metrics at http://ADDRESS:PORT/metrics until Ctrl+C. Start-SbkubeMetricsServer.'
    }
}

# Derived from the table: the flags that take a value, and the flag of each parameter (for rewording messages).
$script:ValueFlags = @(@($script:Commands.Values | ForEach-Object { $_.Flags.Keys }) + @($script:GlobalFlags.Keys) |
    Where-Object { $script:SwitchFlags -notcontains $_ } | Select-Object -Unique)
$script:FlagOfParameter = @{}
foreach ($c in @($script:Commands.Values) + @(@{ Flags = $script:GlobalFlags })) {
    foreach ($flag in $c.Flags.Keys) {
        if ($c.Flags[$flag]) { $script:FlagOfParameter[($c.Flags[$flag] -split ':')[0]] = $flag }
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
        $allowed = @($spec.Flags.Keys) + @($script:GlobalFlags.Keys)
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
        if ($spec.Contains('Excludes')) {
            foreach ($flag in $spec.Excludes.Keys) {
                if ($f.Contains($flag) -and $f.Contains($spec.Excludes[$flag])) {
                    throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--$flag does not go with --$($spec.Excludes[$flag]). Usage: $($spec.Usage)" -Target "--$flag")
                }
            }
        }

        # The cmdlet call, from the table.
        $cmdlet = $spec.Cmdlet
        if ($spec.Contains('CmdletWhen')) {
            foreach ($flag in $spec.CmdletWhen.Keys) { if ($f.Contains($flag)) { $cmdlet = $spec.CmdletWhen[$flag] } }
        }
        $p = @{}
        foreach ($flag in $f.Keys) {
            $mapping = if ($spec.Flags.Contains($flag)) { $spec.Flags[$flag] } else { $script:GlobalFlags[$flag] }
            if ($mapping) {
                $p[($mapping -split ':')[0]] = ConvertFrom-SbkubeCliFlag -Flag $flag -Mapping $mapping -Value $f[$flag]
            }
        }
        $defaults = @{}
        if ($spec.Contains('Defaults')) { $defaults += $spec.Defaults }
        if ($spec.Contains('Live') -and -not $f.Contains('dry-run')) { $defaults += $spec.Live }
        foreach ($name in $defaults.Keys) {
            if (-not $p.ContainsKey($name)) {
                $p[$name] = if ($defaults[$name] -is [scriptblock]) { & $defaults[$name] } else { $defaults[$name] }
            }
        }

        # Run it. Non-terminating errors are re-emitted by this function so that $? is $false afterwards.
        $cliErrors = $null
        $cliWarnings = $null
        if (-not $spec.Contains('Render')) { & $cmdlet @p -ErrorAction SilentlyContinue -ErrorVariable cliErrors -WarningAction SilentlyContinue -WarningVariable cliWarnings }
        else {
            $out = @(& $cmdlet @p -ErrorAction SilentlyContinue -ErrorVariable cliErrors -WarningAction SilentlyContinue -WarningVariable cliWarnings)
            & $spec.Render $out $f $cmdlet
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
        $flags = if ($command -and $script:Commands.Contains($command)) { @($script:Commands[$command].Flags.Keys) + @($script:GlobalFlags.Keys) } else { @($script:GlobalFlags.Keys) + 'version' }
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
