# Part of build/Build-Help.ps1 (dot-sourced): The MAML help file, written from the pages and the cmdlets' metadata.

$ns = @{
    maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Paras([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
}

function Write-Description([System.Xml.XmlWriter] $W, [string] $Prefix, [string[]] $Paras) {
    $W.WriteStartElement($Prefix, 'description', $ns[$Prefix])
    Write-Paras $W $Paras
    $W.WriteEndElement()
}

function Get-PositionText($Set) { if ($Set.Position -ge 0) { [string]$Set.Position } else { 'named' } }

function Get-PipelineText($Set) {
    $kinds = @(if ($Set.ByValue) { 'ByValue' }; if ($Set.ByPropertyName) { 'ByPropertyName' })
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Write-ParameterValue([System.Xml.XmlWriter] $W, $Param, [bool] $Required) {
    $W.WriteStartElement('command', 'parameterValue', $ns.command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', ($Param.Type -like '*[[]]').ToString().ToLowerInvariant())
    $W.WriteString($Param.Type)
    $W.WriteEndElement()
}

function Write-Type([System.Xml.XmlWriter] $W, [string] $Name) {
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $Name)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
}

# One <command:parameter>; $Sets: the per-set metadata to summarise (one set in a syntax item).
function Write-Parameter([System.Xml.XmlWriter] $W, $Param, $Sets, [string[]] $Description, [string] $Default, [bool] $InSyntax, [string] $DefaultSet = '') {
    $required = @($Sets | ForEach-Object { $_.Mandatory } | Sort-Object -Unique)
    $positions = @($Sets | ForEach-Object { Get-PositionText $_ } | Sort-Object -Unique)
    $pipelines = @($Sets | ForEach-Object { Get-PipelineText $_ } | Sort-Object -Unique)
    # Where parameter sets disagree, say so per set: "true (State), false (Config)".
    $perSet = { param($values, $f) if ($values.Count -le 1) { [string]$values[0] } else { ($Sets | ForEach-Object { "$(& $f $_) ($($_.Set))" }) -join ', ' } }
    # Get-Help only shows true/false for Required: use the default set's answer when sets disagree.
    $requiredText = if ($required.Count -le 1) { ([string]$required[0]).ToLowerInvariant() } else {
        $inDefault = $Sets | Where-Object { $_.Set -eq $DefaultSet } | Select-Object -First 1
        if ($inDefault) { ([string]$inDefault.Mandatory).ToLowerInvariant() } else { 'true' }
    }
    $positionText = & $perSet $positions { param($s) Get-PositionText $s }
    $pipelineText = & $perSet $pipelines { param($s) Get-PipelineText $s }

    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $requiredText)
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', $pipelineText)
    $W.WriteAttributeString('position', $positionText)
    $W.WriteAttributeString('aliases', $(if ($Param.Aliases) { $Param.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $Param.Name)
    Write-Description $W 'maml' $Description
    if ($InSyntax -and $Param.ValidSet) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $Param.ValidSet) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not $Param.IsSwitch) {
        Write-ParameterValue $W $Param $true
    }
    if (-not $InSyntax) {
        Write-Type $W $Param.FullType
        $W.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($Default) { $Default } elseif ($Param.IsSwitch) { 'False' } else { 'None' }))
    }
    $W.WriteEndElement()
}

# INPUTS and OUTPUTS: a list element holding one typed, described item per entry.
function Write-TypeList([System.Xml.XmlWriter] $W, [string] $List, [string] $Item, $Entries) {
    $W.WriteStartElement('command', $List, $ns.command)
    foreach ($entry in $Entries) {
        $W.WriteStartElement('command', $Item, $ns.command)
        Write-Type $W $entry.Type
        Write-Description $W 'maml' $entry.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter] $W, $Meta, $Doc, $Shared) {
    $W.WriteStartElement('command', 'command', $ns.command)

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Meta.Name)
    Write-Description $W 'maml' @($Doc.Synopsis)
    $W.WriteElementString('command', 'verb', $ns.command, $Meta.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Meta.Noun)
    $W.WriteEndElement()

    Write-Description $W 'maml' $Doc.Description

    $describe = {
        param($name)
        if ($Doc.Parameters.ContainsKey($name)) { $Doc.Parameters[$name] }
        elseif ($Shared.ContainsKey($name)) { $Shared[$name] }
        else { Write-Warning "$($Meta.Name): parameter -$name has no description."; @{ Description = @(); Default = $null } }
    }
    foreach ($documented in $Doc.Parameters.Keys) {
        if (-not ($Meta.Parameters | Where-Object Name -eq $documented)) { Write-Warning "$($Meta.Name): the page describes -$documented, which the cmdlet does not have." }
    }

    # Syntax: one item per parameter set; positional first (by position), then mandatory, then the rest.
    $W.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($Meta.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    foreach ($set in $sets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Meta.Name)
        $ordered = @($set.Parameters | Sort-Object @{ Expression = { if ($_.Position -ge 0) { 0 } elseif ($_.Mandatory) { 1 } else { 2 } } }, @{ Expression = { $_.Position } }, @{ Expression = { if ($_.Name -in 'WhatIf', 'Confirm') { 1 } else { 0 } } })
        foreach ($sp in $ordered) {
            $param = $Meta.Parameters | Where-Object Name -eq $sp.Name
            $setMeta = $param.Sets | Where-Object { $_.Set -eq $set.Name -or $_.Set -eq '__AllParameterSets' } | Select-Object -First 1
            $info = & $describe $sp.Name
            Write-Parameter $W $param @($setMeta) $info.Description $null $true
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Parameters: alphabetical like Get-Help's own ordering, WhatIf/Confirm last.
    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($param in ($Meta.Parameters | Sort-Object @{ Expression = { if ($_.Name -in 'WhatIf', 'Confirm') { 1 } else { 0 } } }, Name)) {
        $info = & $describe $param.Name
        $default = if ($info.Default) { $info.Default } else { $param.Default }
        $defaultSet = @($Meta.ParameterSets | Where-Object IsDefault | ForEach-Object Name) + @('') | Select-Object -First 1
        Write-Parameter $W $param @($param.Sets) $info.Description $default $false $defaultSet
    }
    $W.WriteEndElement()

    Write-TypeList $W 'inputTypes' 'inputType' @($Doc.Inputs)

    $outputs = @($Doc.Outputs)
    foreach ($declared in $Meta.OutputTypes) {
        if (-not ($outputs | Where-Object Type -eq $declared)) {
            Write-Warning "$($Meta.Name): declared output type $declared is not described in OUTPUTS."
            $outputs += @{ Type = $declared; Description = @() }
        }
    }
    Write-TypeList $W 'returnValues' 'returnValue' $outputs

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteElementString('maml', 'title', $ns.maml, '')
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    Write-Paras $W $Doc.Notes
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($ex in $Doc.Examples) {
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "---------- Example $($ex.Number): $($ex.Title) ----------")
        $W.WriteStartElement('maml', 'introduction', $ns.maml)
        $W.WriteElementString('maml', 'para', $ns.maml, 'PS > ')
        $W.WriteEndElement()
        $W.WriteElementString('dev', 'code', $ns.dev, $ex.Code)
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Paras $W $ex.Remarks
        Write-Paras $W @('')   # a blank line before the next example's title
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    # First, so that Get-Help -Online opens the cmdlet's page in the project's docs.
    $online = @{ Text = 'Online version:'; Uri = "$onlineBase/$($Meta.Name).md" }
    foreach ($link in @($online) + @($Doc.Links)) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $link.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $link.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement() # command:command
}
