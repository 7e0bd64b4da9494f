# Helpers of the sbkube function (SBKube.Commands.psm1): command-line parsing, usage, errors and the seed's
# text tables. Dot-sourced into that module's scope. PowerShell 5.1 compatible.

function script:New-SbkubeCliError {
    param([string] $Id, [string] $Message, [object] $Target, [string] $Category = 'InvalidArgument')
    $ex = New-Object System.ArgumentException $Message
    New-Object System.Management.Automation.ErrorRecord $ex, "SbkubeCli.$Id", ([System.Management.Automation.ErrorCategory]$Category), $Target
}

function script:Get-SbkubeCliUsage {
    param([string] $Command)
    if ($Command -and $script:Commands.Contains($Command)) {
        $c = $script:Commands[$Command]
        $lines = @("Usage: $($c.Usage)", '', $c.Help, '', 'Flags:')
        foreach ($f in @($c.Flags.Keys) + @($script:GlobalFlags.Keys)) {
            $form = if ($script:ValueFlags -contains $f) { "--$f VALUE" } else { "--$f" }
            if ($f -eq 'help') { $form = '--help, -h' }
            $req = if ($c.Required -contains $f -and $c.Contains('Unless')) { " (required unless --$($c.Unless))" }
            elseif ($c.Required -contains $f) { ' (required)' } else { '' }
            $lines += "  $form$req"
        }
        return $lines
    }
    $lines = @(
        'Usage: sbkube COMMAND [FLAGS]   (the seed CLI; each command maps to an SBKube cmdlet)',
        '',
        'Commands:'
    )
    $width = ($script:Commands.Keys | Measure-Object -Property Length -Maximum).Maximum
    foreach ($k in $script:Commands.Keys) {
        $lines += '  ' + $k.PadRight($width) + '  ' + $script:Commands[$k].Help
    }
    $lines += @('', 'Global flags:',
        '  --state-db PATH  state database (default: $env:SBKUBE_STATE_DB, else ~/.sbkube/state.db)',
        '  --help, -h       show help for a command',
        '  --version        show the version of the SBKube module',
        '', 'Flags also take the form --flag=value. $LASTEXITCODE is 0 on success and 1 on failure.')
    $lines
}

# Splits the arguments into command words and flags. Returns @{ Words; Flags (ordered name -> value); Help }.
function script:ConvertFrom-SbkubeCliArgument {
    param([string[]] $Arguments)
    $words = New-Object System.Collections.Generic.List[string]
    $flags = [ordered]@{}
    $unknown = New-Object System.Collections.Generic.List[string]
    $help = $false
    $i = 0
    while ($i -lt $Arguments.Count) {
        $tok = $Arguments[$i]
        $i++
        if ($tok -eq '-h' -or $tok -eq '--help') { $help = $true; continue }
        if (-not $tok.StartsWith('--')) {
            if ($tok.StartsWith('-') -and $tok.Length -gt 1 -and -not ($tok -match '^-\d')) {
                $unknown.Add($tok)
            } else {
                $words.Add($tok)
            }
            continue
        }
        $name = $tok.Substring(2)
        $value = $null
        $hasInline = $false
        $eq = $name.IndexOf('=')
        if ($eq -ge 0) {
            $value = $name.Substring($eq + 1)
            $name = $name.Substring(0, $eq)
            $hasInline = $true
        }
        $name = $name.ToLowerInvariant()
        if ($script:ValueFlags -contains $name) {
            if (-not $hasInline) {
                if ($i -lt $Arguments.Count -and -not $Arguments[$i].StartsWith('--') -and $Arguments[$i] -ne '-h') {
                    $value = $Arguments[$i]
                    $i++
                }
            }
            if ([string]::IsNullOrEmpty($value)) {
                throw (New-SbkubeCliError -Id 'MissingValue' -Message "Flag --$name needs a value, e.g. --$name VALUE or --$name=VALUE." -Target "--$name")
            }
            $flags[$name] = $value
        } elseif ($script:SwitchFlags -contains $name) {
            if ($hasInline) {
                throw (New-SbkubeCliError -Id 'UnexpectedValue' -Message "Flag --$name takes no value (got '--$name=$value')." -Target "--$name")
            }
            if ($name -eq 'help') { $help = $true } else { $flags[$name] = $true }
        } else {
            $unknown.Add("--$name")
        }
    }
    @{ Words = $words.ToArray(); Flags = $flags; Unknown = $unknown.ToArray(); Help = $help }
}

function script:Format-SbkubeCliTime {
    param($Value)
    if ($null -eq $Value) { return '' }
    ([datetime]$Value).ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss', [System.Globalization.CultureInfo]::InvariantCulture)
}

# A seed-style text table: header first, columns left-aligned and separated by two spaces, no rule line.
function script:Format-SbkubeCliTable {
    param([string[]] $Header, [object[]] $Rows)
    $widths = @($Header | ForEach-Object { $_.Length })
    foreach ($row in $Rows) {
        for ($c = 0; $c -lt $Header.Count; $c++) {
            $len = ([string]$row[$c]).Length
            if ($len -gt $widths[$c]) { $widths[$c] = $len }
        }
    }
    $render = {
        param($cells)
        $parts = for ($c = 0; $c -lt $Header.Count; $c++) { ([string]$cells[$c]).PadRight($widths[$c]) }
        ($parts -join '  ').TrimEnd()
    }
    & $render $Header
    foreach ($row in $Rows) { & $render $row }
}

# A value of a difference on one line: absent, text, or compact JSON for lists and maps.
function script:Format-SbkubeCliValue {
    param($Value)
    if ($null -eq $Value) { return '(none)' }
    if ($Value -is [string] -or $Value -is [ValueType]) { return [string]$Value }
    ($Value | ConvertTo-Json -Compress -Depth 20)
}

# A plan (-WhatIf objects of apply, rollback or delete) as a readable diff: one line per app, then what changes.
function script:Format-SbkubeCliPlan {
    param([object[]] $Plan)
    foreach ($c in $Plan) {
        $deployed = if ($null -ne $c.DeployedRevision) { " (deployed: revision $($c.DeployedRevision))" } else { '' }
        $why = if ($c.Description) { ": $($c.Description)" } else { '' }
        "$($c.Namespace)/$($c.App): $(([string]$c.Action).ToLowerInvariant())$deployed$why"
        foreach ($d in $c.Differences) { "  $($d.Path): $(Format-SbkubeCliValue $d.Reference) -> $(Format-SbkubeCliValue $d.Difference)" }
    }
}

function script:Format-SbkubeCliResult {
    param([object[]] $Results)
    $rows = New-Object System.Collections.Generic.List[object]
    foreach ($r in $Results) {
        $desc = if ($r.Message) { $r.Message } else { $r.Description }
        $rows.Add(@($r.Namespace, $r.App, $r.Outcome, $r.Revision, $r.Chart, $desc))
    }
    Format-SbkubeCliTable -Header @('NAMESPACE', 'APP', 'OUTCOME', 'REVISION', 'CHART', 'DESCRIPTION') -Rows $rows.ToArray()
}

# A flag's value as the parameter its table entry names wants it ('Parameter:Conversion:...', see the table).
function script:ConvertFrom-SbkubeCliFlag {
    param([string] $Flag, [string] $Mapping, $Value)
    $parts = @($Mapping -split ':')
    $conversion = if ($parts.Count -gt 1) { $parts[1] } else { '' }
    $text = [string]$Value
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    switch ($conversion) {
        'List' { return , [string[]]@($text.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
        'Int' {
            $min = [int]$parts[2]
            $max = if ($parts.Count -gt 3) { [int]$parts[3] } else { [int]::MaxValue }
            $n = 0
            if (-not [int]::TryParse($text, [System.Globalization.NumberStyles]::Integer, $invariant, [ref]$n) -or $n -lt $min -or $n -gt $max) {
                throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--$Flag expects a whole number from $min to $max; got '$text'." -Target "--$Flag")
            }
            return $n
        }
        'Date' {
            $date = [datetime]::MinValue
            if (-not [datetime]::TryParse($text, $invariant, [System.Globalization.DateTimeStyles]::AssumeLocal, [ref]$date)) {
                throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--$Flag expects a date or date and time such as 2025-10-24 or '2025-10-24 12:00:00' (local time); got '$text'." -Target "--$Flag")
            }
            return $date
        }
        'Choice' {
            $choices = @($parts | Select-Object -Skip 2)
            $choice = $choices | Where-Object { $_ -eq $text } | Select-Object -First 1
            if (-not $choice) {
                $named = ($choices | ForEach-Object { "'$($_.ToLowerInvariant())'" }) -join ' or '
                throw (New-SbkubeCliError -Id 'InvalidValue' -Message "--$Flag expects $named; got '$text'." -Target "--$Flag")
            }
            return $choice
        }
    }
    $Value
}

# A cmdlet parameter's flag ("LockTimeout" -> "--lock-timeout"), or nothing when the CLI has no such flag.
function script:ConvertTo-SbkubeCliFlag([string] $Parameter) {
    $flag = $script:FlagOfParameter[$Parameter]
    if ($flag) { '--' + $flag }
}

# A message in the sbkube function's own words: "Invoke-SbkubeRollback -Revision 3" becomes "sbkube rollback
# --revision 3" and a lone "-AllowFailed" becomes "--allow-failed". A cmdlet the CLI has no command for keeps
# its name and parameters, since that is how it is run.
function script:ConvertTo-SbkubeCliWording([string] $Text) {
    $commandOf = @{}
    foreach ($c in $script:Commands.Keys) {
        $name = $script:Commands[$c].Cmdlet
        if ($name -and -not $commandOf.ContainsKey($name)) { $commandOf[$name] = $c }
    }
    $pattern = '(?<call>\b[A-Z][a-z]+-Sbkube[A-Za-z]+(?:\s+-[A-Za-z]+(?:\s+(?!-)[^\s,;]+)?)*)|(?<![\w-])-(?<param>[A-Z][A-Za-z]+)\b'
    [regex]::Replace($Text, $pattern, {
            param($m)
            if ($m.Groups['param'].Success) {
                $flag = ConvertTo-SbkubeCliFlag $m.Groups['param'].Value
                if ($flag) { return $flag } else { return $m.Value }
            }
            $name = ($m.Value -split '\s+')[0]
            if (-not $commandOf.ContainsKey($name)) { return $m.Value }
            $arguments = [regex]::Replace($m.Value.Substring($name.Length), '-(?<p>[A-Za-z]+)(?<v>\s+(?!-)[^\s,;]+)?', {
                    param($a)
                    $flag = ConvertTo-SbkubeCliFlag $a.Groups['p'].Value
                    if (-not $flag) { return $a.Value }
                    $flag + ($a.Groups['v'].Value -replace "'", '')
                })
            'sbkube ' + $commandOf[$name] + $arguments
        })
}

# The error record with its message in the sbkube function's words (ErrorDetails, so the error and its ID stay).
function script:Set-SbkubeCliWording([System.Management.Automation.ErrorRecord] $Record) {
    $text = ConvertTo-SbkubeCliWording "$Record"
    if ($text -ne "$Record") { $Record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails $text }
    $Record
}
