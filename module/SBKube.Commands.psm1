# The seed's command lines: `sbkube state list`, `sbkube rollback --namespace ... --revision 2`, ... mapped to
# the SBKube cmdlets. Output is plain text (the seed's tables), one string per line, so that `> file`,
# `| Select-Object -Last 1` (tail -1) and `-split` (awk) work as they do in the seed's bash scripts.
# PowerShell 5.1 compatible: no ternary, no null-coalescing, no pipeline chain operators.

# Only definitions run at import, no command: Set-StrictMode, Register-ArgumentCompleter and a .NET call here
# cost a fresh pwsh about 20 ms of its start (Import-Module timed in-process: 166 ms with them, 146 ms
# without). So strict mode is set where the functions run, and the completer is the parameter's attribute.
$script:CliLoaded = $false

# The implementation is parsed on first use (it is most of a fresh session's cost of importing SBKube).
function Import-SbkubeCli {
    if (-not $script:CliLoaded) {
        # Not Join-Path: its first call loads the provider cmdlets' assembly.
        . ([System.IO.Path]::Combine($PSScriptRoot, 'SBKube.Cli.ps1'))
        $script:CliLoaded = $true
    }
}

<#
.SYNOPSIS
    The seed's `sbkube` command lines, mapped to the SBKube cmdlets.

.DESCRIPTION
    Accepts the command lines of the original sbkube CLI verbatim (`--flag value` and `--flag=value`) and
    runs the matching cmdlet:

        sbkube apply [--path DIR] [--namespace NS] [--app APP] [--force] [--dry-run]   Invoke-SbkubeApply
        sbkube deploy --namespace NS --lock                                             Invoke-SbkubeApply -Lock
        sbkube rollback --namespace NS --app APP --revision N [--dry-run] [--force]     Invoke-SbkubeRollback
        sbkube delete --namespace NS [--app APP]                                        Remove-SbkubeApp (no prompt)
        sbkube state list [--namespace NS] [--app APP] [--format json]                  Get-SbkubeState
        sbkube state history --namespace NS --app APP [--limit N] [--since DATE]        Get-SbkubeHistory
        sbkube state show --namespace NS --app APP --revision N|current                 Get-SbkubeDeployment -Format Yaml
        sbkube state locks                                                              Get-SbkubeLock
        sbkube state prune --older-than 30d [--keep-last N] [--dry-run]                 Remove-SbkubeHistory
        sbkube state export-metrics --port 9090 [--address A]                           Start-SbkubeMetricsServer

    `--state-db PATH` works with every command; `--help` or `-h` prints the usage of a command.

    Output is text, one string per line, in the seed's layout: a header line, then left-aligned columns
    separated by two spaces, times in local time as yyyy-MM-dd HH:mm:ss. So `sbkube state history ... |
    Select-Object -Last 1` is the seed's `| tail -1`, and `sbkube state show ... > rev2.yaml` writes the YAML.
    For objects, use the cmdlets.

    Like a native command, sbkube sets $LASTEXITCODE: 0 on success, 1 on failure; $? is $false after a
    failure. Errors of the cmdlets pass through unchanged. A command line the CLI does not understand is a
    terminating error whose ErrorId starts with SbkubeCli. (UnknownCommand, UnknownFlag, MissingFlag,
    MissingValue, InvalidValue, UnexpectedArgument) and that lists the valid commands or flags.

.PARAMETER Arguments
    The command line: command words and flags.

.EXAMPLE
    PS> Set-Location examples/state-management; sbkube apply; sbkube state list

    The seed's scenario 1: deploy, then list the state as the seed's table.

.EXAMPLE
    PS> $prev = (-split (sbkube state history --namespace state-demo --app redis --limit 1 | Select-Object -Last 1))[0]

    The seed's auto-rollback.sh line `... --limit 1 | tail -1 | awk '{print $1}'`.

.EXAMPLE
    PS> sbkube state show --namespace state-demo --app redis --revision 2 > rev2.yaml

    The seed's revision-diff workflow.

.LINK
    https://github.com/sbkube/sbkube-powershell/blob/main/README.md#cmdlets

.LINK
    about_SBKube
#>
function sbkube {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromRemainingArguments = $true)]
        [ArgumentCompleter({
            param($commandName, $parameterName, $wordToComplete, $commandAst)
            # An attribute's script block runs outside the module (unlike Register-ArgumentCompleter's, which
            # would be a cmdlet call at import): the completed function's own module is where the CLI lives.
            & (Get-Command -Name $commandName -CommandType Function).ScriptBlock.Module {
                Set-StrictMode -Version 3.0
                Import-SbkubeCli
                Get-SbkubeCliCompletion @args
            } $wordToComplete $commandAst
        })]
        [string[]] $Arguments
    )
    Set-StrictMode -Version 3.0
    Import-SbkubeCli
    Invoke-SbkubeCli -Caller $PSCmdlet -Arguments $Arguments
}

# What is exported is the manifest's FunctionsToExport (sbkube): no Export-ModuleMember call to pay for at import.
