#Requires -Version 5.1

<#
.SYNOPSIS
    Nightly backup of the SBKube state database and its history as JSON (the seed's sbkube-backup.sh).

.DESCRIPTION
    The PowerShell version of the seed's cron job:

        DATE=$(date +%Y%m%d)
        cp ~/.sbkube/state.db /backup/sbkube-state-$DATE.db
        sbkube state list --format json > /backup/sbkube-history-$DATE.json

    Writes two files to -BackupDirectory (created if missing):

    - sbkube-state-<yyyyMMdd>.db: a consistent copy of the state database made with SQLite's online backup
      API (Backup-SbkubeState), so it is complete even if a deployment is writing at the same moment.
      It opens with sqlite3 and can be restored with Restore-SbkubeState.
    - sbkube-history-<yyyyMMdd>.json: every recorded revision as the seed's JSON
      (Get-SbkubeState -Format Json).

    Running it again on the same day replaces that day's files. With -RetentionDays, backups of this kind
    whose date in the file name is older than that are deleted.

    Schedule it with cron:

        0 3 * * * pwsh -NoProfile -File /usr/local/bin/Backup-SbkubeNightly.ps1 -BackupDirectory /backup

    or on Windows with a scheduled task:

        $action = New-ScheduledTaskAction -Execute pwsh.exe -Argument '-NoProfile -File C:\sbkube\Backup-SbkubeNightly.ps1 -BackupDirectory D:\backup'
        Register-ScheduledTask -TaskName SBKubeBackup -Action $action -Trigger (New-ScheduledTaskTrigger -Daily -At 3am)

    Restore (the seed's recovery steps):

        Restore-SbkubeState -Source /backup/sbkube-state-20251024.db
        sbkube rollback --namespace production --app myapp --revision 10

.PARAMETER BackupDirectory
    Where the backup files go (seed: /backup).

.PARAMETER StatePath
    The state database to back up; default $env:SBKUBE_STATE_DB, else ~/.sbkube/state.db.

.PARAMETER Date
    The date put in the file names (yyyyMMdd). Default: today.

.PARAMETER RetentionDays
    When given, deletes sbkube-state-*.db and sbkube-history-*.json backups older than this many days.

.EXAMPLE
    PS> ./Backup-SbkubeNightly.ps1 -BackupDirectory /backup

    Writes /backup/sbkube-state-20251024.db and /backup/sbkube-history-20251024.json (on 24 Oct 2025).

.EXAMPLE
    PS> ./Backup-SbkubeNightly.ps1 -BackupDirectory ~/backup -RetentionDays 30

    Keeps a month of nightly backups.

.OUTPUTS
    System.IO.FileInfo: the database copy, then the JSON file.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateNotNullOrEmpty()]
    [string] $BackupDirectory,

    [string] $StatePath,

    [datetime] $Date = (Get-Date),

    [ValidateRange(1, 36500)]
    [int] $RetentionDays
)

$ErrorActionPreference = 'Stop'
$common = @{}
if ($StatePath) { $common.StatePath = $StatePath }

if (-not (Test-Path -LiteralPath $BackupDirectory)) {
    New-Item -ItemType Directory -Path $BackupDirectory -Force | Out-Null
}
$dir = (Resolve-Path -LiteralPath $BackupDirectory).ProviderPath
$stamp = $Date.ToString('yyyyMMdd', [System.Globalization.CultureInfo]::InvariantCulture)
$dbFile = Join-Path $dir "sbkube-state-$stamp.db"
$jsonFile = Join-Path $dir "sbkube-history-$stamp.json"

if ($PSCmdlet.ShouldProcess($dir, "Back up the SBKube state to sbkube-state-$stamp.db and sbkube-history-$stamp.json")) {
    # cp ~/.sbkube/state.db /backup/sbkube-state-$DATE.db (online backup: consistent even during a deployment)
    Backup-SbkubeState -Destination $dbFile -Force @common -Confirm:$false | Out-Null

    # sbkube state list --format json > /backup/sbkube-history-$DATE.json (UTF-8 without BOM on every edition)
    $json = (Get-SbkubeState -Format Json @common) -join "`n"
    $tmp = "$jsonFile.tmp"
    [System.IO.File]::WriteAllText($tmp, $json + "`n", (New-Object System.Text.UTF8Encoding $false))
    Move-Item -LiteralPath $tmp -Destination $jsonFile -Force

    Get-Item -LiteralPath $dbFile
    Get-Item -LiteralPath $jsonFile
}

if ($RetentionDays) {
    $cutoff = $Date.Date.AddDays(-$RetentionDays)
    Get-ChildItem -LiteralPath $dir -File | ForEach-Object {
        if ($_.Name -notmatch '^sbkube-(?:state|history)-(\d{8})\.(?:db|json)$') { return }
        $when = [datetime]::ParseExact($Matches[1], 'yyyyMMdd', [System.Globalization.CultureInfo]::InvariantCulture)
        if ($when -lt $cutoff -and $PSCmdlet.ShouldProcess($_.FullName, 'Remove old SBKube backup')) {
            Remove-Item -LiteralPath $_.FullName -Force
        }
    }
}
