#requires -Version 7.2
<#
.SYNOPSIS
    Turns docs/cmdlets/*.md and docs/about_SBKube.md into the module's help files.
.DESCRIPTION
    Writes, under -ModulePath:
      en-US/SBKube.PowerShell.dll-Help.xml   MAML for the binary cmdlets (named after the RootModule
                                             assembly, which is where PowerShell looks for it)
      en-US/about_SBKube.help.txt            the conceptual topic

    Prose comes from the markdown; syntax, parameter types, parameter sets, Required, Position and
    pipeline input come from the built cmdlets themselves: a child pwsh imports <ModulePath>/SBKube.psd1
    and reports Get-Command's metadata as JSON, so the help can never disagree with the code about them.

    MARKDOWN FORMAT (docs/cmdlets/<Cmdlet-Name>.md, one file per cmdlet)

        # Verb-Noun                      the cmdlet name; must match the file name
        ## SYNOPSIS                      one short paragraph
        ## DESCRIPTION                   paragraphs, "- " bullet lists, fenced code blocks
        ## PARAMETERS
        ### -Name                        one section per parameter (common parameters excluded;
                                         -WhatIf and -Confirm are documented like any other).
                                         An optional last line "Default value: <text>" replaces the
                                         default value read from the cmdlet.
        ## EXAMPLES
        ### Example 1: Title             a ```powershell fenced block (the code, which must parse),
                                         then paragraphs explaining it. Text before the block is
                                         kept as part of the explanation.
        ## INPUTS                        ### <type name> sections with an explanation
        ## OUTPUTS                       ### <full type name> sections with an explanation
        ## NOTES                         paragraphs
        ## RELATED LINKS                 "- [Text](uri)" or "- Text" lines

    Headings are case-insensitive; unknown "##" sections are ignored with a warning. A SYNTAX section,
    if present, is ignored (syntax is generated). Inline markup is simplified for the console:
    `code` and **bold** lose their markers, [text](uri) becomes "text (uri)" unless uri is empty.

    docs/cmdlets/_CommonParameters.md (same "### -Name" sections under "## PARAMETERS") supplies the
    description of a parameter that a cmdlet page does not describe itself, e.g. the -StatePath,
    -Kubeconfig, -WhatIf and -Confirm parameters shared by many cmdlets.

    ABOUT TOPIC (docs/about_SBKube.md)
        "# about_SBKube", then "## SECTION" headings (SHORT DESCRIPTION first), paragraphs, "- " lists,
        "### Sub heading" and fenced code blocks. Converted to the classic .help.txt layout: headings in
        capitals at column 0, text wrapped at 80 columns and indented by 4, code indented by 8.

    A cmdlet without a page, or a parameter without a description, is reported as a warning here and
    fails tests/pester/Help.Tests.ps1.
.PARAMETER DocsPath
    The docs folder holding cmdlets/*.md and about_SBKube.md.
.PARAMETER ModulePath
    The assembled module folder (holding SBKube.psd1 and SBKube.PowerShell.dll).
.EXAMPLE
    ./build/Build-Help.ps1 -DocsPath ./docs -ModulePath ./out/SBKube
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$manifest = Join-Path $ModulePath 'SBKube.psd1'
$helpDir = Join-Path $ModulePath 'en-US'
$mamlFile = Join-Path $helpDir 'SBKube.PowerShell.dll-Help.xml'
$aboutFile = Join-Path $helpDir 'about_SBKube.help.txt'

#region Markdown reading

# Inline markup simplified for a console.
function ConvertTo-PlainInline([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', { param($m) if ($m.Groups[2].Value) { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '$1')
    $t = [regex]::Replace($t, '`([^`]+)`', '$1')
    $t
}

# Splits a block of markdown lines into blocks: @{ Kind = 'Para'|'List'|'Code'; Lines = [string[]] }.
function Split-Block([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inCode = $false
    foreach ($line in $Lines) {
        if ($inCode) {
            if ($line -match '^\s*```') { $inCode = $false; $current = $null; continue }
            $current.Lines.Add($line)
            continue
        }
        if ($line -match '^\s*```') {
            $current = @{ Kind = 'Code'; Lines = [System.Collections.Generic.List[string]]::new() }
            $blocks.Add($current)
            $inCode = $true
            continue
        }
        if ($line -match '^\s*$') { $current = $null; continue }
        $isItem = $line -match '^\s*([-*]|\d+\.)\s+'
        if ($isItem) {
            if (-not $current -or $current.Kind -ne 'List') {
                $current = @{ Kind = 'List'; Lines = [System.Collections.Generic.List[string]]::new() }
                $blocks.Add($current)
            }
            $current.Lines.Add(($line.Trim() -replace '^\*\s+', '- '))
            continue
        }
        if ($current -and $current.Kind -eq 'List' -and $line -match '^\s+\S') {
            # Continuation of the previous list item.
            $current.Lines[$current.Lines.Count - 1] += ' ' + $line.Trim()
            continue
        }
        if (-not $current -or $current.Kind -ne 'Para') {
            $current = @{ Kind = 'Para'; Lines = [System.Collections.Generic.List[string]]::new() }
            $blocks.Add($current)
        }
        $current.Lines.Add($line.Trim())
    }
    if ($inCode) { throw 'A fenced code block is not closed.' }
    , $blocks
}

# Blocks as MAML paragraphs: a paragraph per prose block, list item or code block.
function ConvertTo-Paragraph([string[]] $Lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    foreach ($b in (Split-Block $Lines)) {
        switch ($b.Kind) {
            'Para' { $paras.Add((ConvertTo-PlainInline ($b.Lines -join ' '))) }
            'List' { foreach ($item in $b.Lines) { $paras.Add((ConvertTo-PlainInline $item)) } }
            'Code' { $paras.Add((($b.Lines | ForEach-Object { '    ' + $_ }) -join "`n")) }
        }
    }
    , $paras.ToArray()
}

# Cuts lines at headings of the given level: ordered @{ heading text = lines below it }.
# With -Leading, the lines before the first heading are kept under the name ''.
function Split-Section([string[]] $Lines, [int] $Level, [switch] $Leading) {
    $sections = [ordered]@{}
    $marker = '#' * $Level
    $name = $null
    if ($Leading) { $name = ''; $sections[''] = [System.Collections.Generic.List[string]]::new() }
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match "^$marker\s+(.+?)\s*#*\s*$" -and $line -notmatch "^$marker#") {
            $name = $Matches[1]
            if ($sections.Contains($name)) { throw "Heading '$name' appears twice." }
            $sections[$name] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $name) { $sections[$name].Add($line) }
    }
    $sections
}

function Read-ParameterSection([System.Collections.Generic.List[string]] $Lines, [string] $File) {
    $result = @{}
    if (-not $Lines) { return $result }
    $params = Split-Section $Lines.ToArray() 3
    foreach ($key in $params.Keys) {
        if ($key -notmatch '^-(\w+)$') { Write-Warning "${File}: parameter heading '### $key' should be '### -Name'."; continue }
        $paramName = $Matches[1]
        $body = [System.Collections.Generic.List[string]]::new($params[$key])
        $default = $null
        for ($i = $body.Count - 1; $i -ge 0; $i--) {
            if ($body[$i] -match '^\s*$') { continue }
            if ($body[$i] -match '^\s*Default value:\s*(.+?)\s*$') { $default = ConvertTo-PlainInline $Matches[1]; $body.RemoveAt($i) }
            break
        }
        $result[$paramName] = @{ Description = (ConvertTo-Paragraph $body.ToArray()); Default = $default }
    }
    $result
}

function Read-CmdletDoc([string] $File) {
    $lines = [System.IO.File]::ReadAllLines($File)
    $title = $lines | Where-Object { $_ -match '^#\s+\S' } | Select-Object -First 1
    if (-not $title) { throw "${File}: no '# Cmdlet-Name' title." }
    $name = ($title -replace '^#\s+', '').Trim()
    $expected = [System.IO.Path]::GetFileNameWithoutExtension($File)
    if ($name -ne $expected) { throw "${File}: the title '$name' does not match the file name '$expected'." }

    $doc = @{ Name = $name; Synopsis = ''; Description = @(); Parameters = @{}; Examples = @(); Inputs = @(); Outputs = @(); Notes = @(); Links = @() }
    $sections = Split-Section $lines 2
    foreach ($key in $sections.Keys) {
        $body = $sections[$key]
        switch ($key.ToUpperInvariant()) {
            'SYNOPSIS' { $doc.Synopsis = (ConvertTo-Paragraph $body.ToArray()) -join ' ' }
            'SYNTAX' { }
            'DESCRIPTION' { $doc.Description = ConvertTo-Paragraph $body.ToArray() }
            'PARAMETERS' { $doc.Parameters = Read-ParameterSection $body $File }
            'EXAMPLES' {
                $examples = Split-Section $body.ToArray() 3
                $n = 0
                $doc.Examples = @(foreach ($title in $examples.Keys) {
                        $n++
                        $blocks = Split-Block $examples[$title].ToArray()
                        $code = $blocks | Where-Object Kind -eq 'Code' | Select-Object -First 1
                        if (-not $code) { throw "${File}: '$title' has no fenced code block." }
                        $codeIndex = $blocks.IndexOf($code)
                        $remarkLines = @(for ($i = 0; $i -lt $blocks.Count; $i++) {
                                if ($i -eq $codeIndex) { continue }
                                $b = $blocks[$i]
                                if ($b.Kind -eq 'Code') { '```'; $b.Lines; '```' } else { $b.Lines }
                                ''
                            })
                        @{
                            Title = ($title -replace '^Example\s+\d+\s*:?\s*', '').Trim()
                            Number = $n
                            Code = ($code.Lines -join "`n").TrimEnd()
                            Remarks = (ConvertTo-Paragraph $remarkLines)
                        }
                    })
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $types = Split-Section $body.ToArray() 3
                $list = @(foreach ($t in $types.Keys) { @{ Type = (ConvertTo-PlainInline $t); Description = (ConvertTo-Paragraph $types[$t].ToArray()) } })
                if ($key -eq 'INPUTS') { $doc.Inputs = $list } else { $doc.Outputs = $list }
            }
            'NOTES' { $doc.Notes = ConvertTo-Paragraph $body.ToArray() }
            'RELATED LINKS' {
                $doc.Links = @(foreach ($l in $body) {
                        if ($l -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)') { @{ Text = $Matches[1]; Uri = $Matches[2] } }
                        elseif ($l -match '^\s*[-*]\s+(.+?)\s*$') { @{ Text = (ConvertTo-PlainInline $Matches[1]); Uri = '' } }
                    })
            }
            default { Write-Warning "${File}: unknown section '## $key' ignored." }
        }
    }
    $doc
}

#endregion

#region Cmdlet metadata (from the built module, in a child pwsh)

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

#endregion

#region MAML writing

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

    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($in in $Doc.Inputs) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        Write-Type $W $in.Type
        Write-Description $W 'maml' $in.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $ns.command)
    $outputs = @($Doc.Outputs)
    foreach ($declared in $Meta.OutputTypes) {
        if (-not ($outputs | Where-Object Type -eq $declared)) {
            Write-Warning "$($Meta.Name): declared output type $declared is not described in OUTPUTS."
            $outputs += @{ Type = $declared; Description = @() }
        }
    }
    foreach ($out in $outputs) {
        $W.WriteStartElement('command', 'returnValue', $ns.command)
        Write-Type $W $out.Type
        Write-Description $W 'maml' $out.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

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

#endregion

#region about topic

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Width = 80) {
    $pad = ' ' * $Indent
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line -and ($pad.Length + $line.Length + 1 + $word.Length) -gt $Width) { $lines.Add($pad + $line); $line = $word }
        elseif ($line) { $line += ' ' + $word }
        else { $line = $word }
    }
    if ($line) { $lines.Add($pad + $line) }
    $lines
}

function ConvertTo-AboutText([string] $File) {
    $lines = [System.IO.File]::ReadAllLines($File)
    $out = [System.Collections.Generic.List[string]]::new()
    $title = ($lines | Where-Object { $_ -match '^#\s+\S' } | Select-Object -First 1) -replace '^#\s+', ''
    if ($title -ne 'about_SBKube') { throw "${File}: the title must be '# about_SBKube'." }
    $out.Add('TOPIC'); $out.Add('    about_SBKube'); $out.Add('')
    $sections = Split-Section $lines 2
    foreach ($key in $sections.Keys) {
        $out.Add($key.ToUpperInvariant())
        $subs = Split-Section $sections[$key].ToArray() 3 -Leading
        foreach ($sub in $subs.Keys) {
            if ($sub.Trim()) { $out.Add('    ' + (ConvertTo-PlainInline $sub).ToUpperInvariant()) }
            foreach ($b in (Split-Block $subs[$sub].ToArray())) {
                switch ($b.Kind) {
                    'Para' { Format-Wrapped (ConvertTo-PlainInline ($b.Lines -join ' ')) 4 | ForEach-Object { $out.Add($_) } }
                    'List' {
                        foreach ($item in $b.Lines) {
                            $wrapped = @(Format-Wrapped (ConvertTo-PlainInline ($item -replace '^([-*]|\d+\.)\s+', '')) 6)
                            $marker = if ($item -match '^(\d+\.)') { $Matches[1] } else { '-' }
                            $wrapped[0] = '    ' + $marker.PadRight(2) + $wrapped[0].Substring(6)
                            $wrapped | ForEach-Object { $out.Add($_) }
                        }
                    }
                    'Code' { $b.Lines | ForEach-Object { $out.Add(('        ' + $_).TrimEnd()) } }
                }
                $out.Add('')
            }
        }
    }
    while ($out.Count -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    ($out -join [Environment]::NewLine) + [Environment]::NewLine
}

#endregion

$cmdletDocs = Join-Path $DocsPath 'cmdlets'
$onlineBase = (Import-PowerShellDataFile $manifest).PrivateData.PSData.ProjectUri + '/blob/main/docs/cmdlets'
$docs = @{}
$shared = @{}
foreach ($file in (Get-ChildItem -LiteralPath $cmdletDocs -Filter *.md -ErrorAction Ignore)) {
    if ($file.BaseName -eq '_CommonParameters') {
        $sections = Split-Section ([System.IO.File]::ReadAllLines($file.FullName)) 2
        $key = $sections.Keys | Where-Object { $_ -eq 'PARAMETERS' } | Select-Object -First 1
        if ($key) { $shared = Read-ParameterSection $sections[$key] $file.Name }
        continue
    }
    $docs[$file.BaseName] = Read-CmdletDoc $file.FullName
}

$metadata = @(Get-CmdletMetadata $manifest)
New-Item -ItemType Directory -Force -Path $helpDir | Out-Null

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
# Written beside the target and moved into place at the end: a failed run leaves the previous file.
$partial = "$mamlFile.partial"
$writer = [System.Xml.XmlWriter]::Create($partial, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($prefix in 'maml', 'command', 'dev') { $writer.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }
    $documented = 0
    foreach ($meta in $metadata) {
        $doc = $docs[$meta.Name]
        if (-not $doc) { Write-Warning "$($meta.Name) has no page docs/cmdlets/$($meta.Name).md: it gets no help."; continue }
        Write-CommandHelp $writer $meta $doc $shared
        $documented++
    }
    foreach ($name in $docs.Keys) {
        if (-not ($metadata | Where-Object Name -eq $name)) { Write-Warning "docs/cmdlets/$name.md describes a cmdlet the module does not export; skipped." }
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
[xml] $null = Get-Content -LiteralPath $partial -Raw   # well-formed, or stop here
Move-Item -LiteralPath $partial -Destination $mamlFile -Force

$aboutSource = Join-Path $DocsPath 'about_SBKube.md'
if (Test-Path -LiteralPath $aboutSource) {
    [System.IO.File]::WriteAllText($aboutFile, (ConvertTo-AboutText $aboutSource), [System.Text.UTF8Encoding]::new($false))
}
else {
    Write-Warning "No ${aboutSource}: about_SBKube is not built."
}
Write-Host "Help: $documented of $($metadata.Count) cmdlets documented -> $mamlFile"
