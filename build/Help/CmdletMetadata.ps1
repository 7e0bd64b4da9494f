# Part of build/Build-Help.ps1 (dot-sourced): What the built cmdlets declare (parameter sets, types, pipeline input), asked in a child pwsh.

function Get-CmdletMetadata([string] $Manifest) {
    $script = @'
param($Manifest)
$ErrorActionPreference = 'Stop'
$module = Import-Module $Manifest -PassThru
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
function TypeName([type] $t) {
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    if ($t.IsArray) { return (TypeName $t.GetElementType()) + '[]' }
    $t.Name
}
function FullTypeName([type] $t) {
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    $t.FullName
}
$result = foreach ($c in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $instance = try { [Activator]::CreateInstance($c.ImplementingType) } catch { $null }
    $params = foreach ($p in $c.Parameters.Values) {
        if ($common -contains $p.Name) { continue }
        $default = $null
        if ($instance) {
            $prop = $c.ImplementingType.GetProperty($p.Name)
            if ($prop) {
                $v = try { $prop.GetValue($instance) } catch { $null }
                if ($v -is [System.Management.Automation.SwitchParameter]) { $v = [string]$v.IsPresent }
                elseif ($v -is [array]) { $v = ($v -join ', ') }
                $default = if ($null -eq $v -or "$v" -eq '') { $null } else { "$v" }
            }
        }
        $validSet = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues)
        [ordered]@{
            Name = $p.Name
            Type = TypeName $p.ParameterType
            FullType = FullTypeName $p.ParameterType
            IsSwitch = $p.SwitchParameter
            Aliases = @($p.Aliases)
            ValidSet = $validSet
            Default = $default
            Sets = @(foreach ($kv in $p.ParameterSets.GetEnumerator()) {
                [ordered]@{
                    Set = $kv.Key; Mandatory = $kv.Value.IsMandatory; Position = $kv.Value.Position
                    ByValue = $kv.Value.ValueFromPipeline; ByPropertyName = $kv.Value.ValueFromPipelineByPropertyName
                    Remaining = $kv.Value.ValueFromRemainingArguments
                }
            })
        }
    }
    [ordered]@{
        Name = $c.Name
        Verb = $c.Verb
        Noun = $c.Noun
        OutputTypes = @($c.OutputType | ForEach-Object Name)
        Parameters = @($params)
        ParameterSets = @(foreach ($s in $c.ParameterSets) {
            [ordered]@{
                Name = $s.Name; IsDefault = $s.IsDefault
                Parameters = @(foreach ($sp in $s.Parameters) {
                    if ($common -contains $sp.Name) { continue }
                    [ordered]@{ Name = $sp.Name; Mandatory = $sp.IsMandatory; Position = $sp.Position }
                })
            }
        })
    }
}
ConvertTo-Json -InputObject @($result) -Depth 10 -Compress
'@
    # A child process: the build session must not load (and, on Windows, lock) the module's assemblies.
    $exe = [Environment]::ProcessPath
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -ne 'pwsh') {
        $exe = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $prefix = @(Join-Path $PSHOME 'pwsh.dll')
    }
    $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) ("sbkube-helpmeta-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $scriptFile -Value $script -Encoding utf8
    try {
        $json = & $exe @prefix -NoProfile -NonInteractive -File $scriptFile -Manifest $Manifest
        if ($LASTEXITCODE -ne 0) { throw "Reading the cmdlets of $Manifest failed (exit $LASTEXITCODE)." }
    }
    finally {
        Remove-Item -LiteralPath $scriptFile -ErrorAction Ignore
    }
    ($json -join "`n") | ConvertFrom-Json
}
